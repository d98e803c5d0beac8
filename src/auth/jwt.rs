//! Access tokens: HS256 only (the algorithm is pinned, whatever the token's header claims),
//! with `exp`, `nbf`, `iss`, `aud` and `sub` all required and checked. Each token also carries
//! its user's token generation (`gen`): raising the user's generation ends every token issued
//! before, exactly, whatever the clock says (see `db::users::end_sessions`).

use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    /// The user's id.
    pub sub: String,
    pub iss: String,
    pub aud: String,
    pub iat: u64,
    pub nbf: u64,
    pub exp: u64,
    /// The user's token generation when it was issued (0 for tokens from before it existed).
    #[serde(default)]
    pub gen: i32,
}

/// Who a valid token speaks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Subject {
    pub user_id: i32,
    pub generation: i32,
}

pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
    ttl_secs: u64,
}

impl TokenKeys {
    pub fn new(secret: &[u8], issuer: &str, audience: &str, ttl_secs: u64) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.leeway = 5;
        TokenKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
            ttl_secs,
        }
    }

    pub fn ttl_secs(&self) -> u64 {
        self.ttl_secs
    }

    pub fn issue(&self, subject: Subject) -> Result<String, jsonwebtoken::errors::Error> {
        let now = chrono::Utc::now().timestamp().max(0) as u64;
        let claims = Claims {
            sub: subject.user_id.to_string(),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            iat: now,
            nbf: now,
            exp: now + self.ttl_secs,
            gen: subject.generation,
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
    }

    /// The subject of a valid token, or `None` for anything else.
    pub fn verify(&self, token: &str) -> Option<Subject> {
        let data = decode::<Claims>(token, &self.decoding, &self.validation).ok()?;
        Some(Subject {
            user_id: data.claims.sub.parse().ok()?,
            generation: data.claims.gen,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> TokenKeys {
        TokenKeys::new(b"0123456789abcdef0123456789abcdef", "kanogap", "kanogap-api", 60)
    }

    #[test]
    fn issued_tokens_verify() {
        let k = keys();
        let subject = Subject {
            user_id: 42,
            generation: 3,
        };
        let token = k.issue(subject).unwrap();
        assert_eq!(k.verify(&token), Some(subject));
    }

    #[test]
    fn other_keys_issuers_and_audiences_are_refused() {
        let token = keys()
            .issue(Subject {
                user_id: 1,
                generation: 0,
            })
            .unwrap();
        let other_key = TokenKeys::new(b"another-secret-another-secret-xx", "kanogap", "kanogap-api", 60);
        assert_eq!(other_key.verify(&token), None);
        let other_iss = TokenKeys::new(b"0123456789abcdef0123456789abcdef", "someone", "kanogap-api", 60);
        assert_eq!(other_iss.verify(&token), None);
        let other_aud = TokenKeys::new(b"0123456789abcdef0123456789abcdef", "kanogap", "other", 60);
        assert_eq!(other_aud.verify(&token), None);
        assert_eq!(keys().verify("not.a.token"), None);
    }
}
