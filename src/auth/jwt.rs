//! Access tokens: HS256 only (the algorithm is pinned, whatever the token's header claims),
//! with `exp`, `nbf`, `iss`, `aud` and `sub` all required and checked. Each token also carries
//! its user's token generation (`gen`): raising the user's generation ends every token issued
//! before, exactly, whatever the clock says (see `db::users::end_sessions`).
//!
//! A token also names who it was issued to (`email`, `role`, `seg`): every change to those ends
//! the user's sessions, so while the generation matches they are still true, and a request
//! checks the generation on the connection it reads with instead of re-reading the user first
//! (see `db::caller_check`).

use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::access::Caller;
use crate::domain::terms::Role;

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
    /// Who the user was when the token was issued (absent from tokens issued before these
    /// claims existed; those are checked the old way, by reading the user first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seg: Option<Vec<i32>>,
}

/// A token that verified: its subject and, for tokens that name them, who the caller is while
/// the subject's generation still holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    pub subject: Subject,
    pub caller: Option<Caller>,
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

    /// A token for `caller`, as read at `subject.generation`.
    pub fn issue(&self, subject: Subject, caller: &Caller) -> Result<String, jsonwebtoken::errors::Error> {
        let now = chrono::Utc::now().timestamp().max(0) as u64;
        let claims = Claims {
            sub: subject.user_id.to_string(),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            iat: now,
            nbf: now,
            exp: now + self.ttl_secs,
            gen: subject.generation,
            email: Some(caller.email.clone()),
            role: Some(caller.role),
            seg: Some(caller.segment_ids.clone()),
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
    }

    /// What a valid token says, or `None` for anything else.
    pub fn verify(&self, token: &str) -> Option<Verified> {
        let claims = decode::<Claims>(token, &self.decoding, &self.validation).ok()?.claims;
        let subject = Subject {
            user_id: claims.sub.parse().ok()?,
            generation: claims.gen,
        };
        let caller = match (claims.email, claims.role, claims.seg) {
            (Some(email), Some(role), Some(segment_ids)) => Some(Caller {
                id: subject.user_id,
                email,
                role,
                segment_ids,
            }),
            _ => None,
        };
        Some(Verified { subject, caller })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> TokenKeys {
        TokenKeys::new(b"0123456789abcdef0123456789abcdef", "kanogap", "kanogap-api", 60)
    }

    fn someone(id: i32) -> Caller {
        Caller {
            id,
            email: "ann@example.org".into(),
            role: Role::Stakeholder,
            segment_ids: vec![3, 5],
        }
    }

    #[test]
    fn issued_tokens_verify_with_who_they_were_issued_to() {
        let k = keys();
        let subject = Subject {
            user_id: 42,
            generation: 3,
        };
        let token = k.issue(subject, &someone(42)).unwrap();
        assert_eq!(
            k.verify(&token),
            Some(Verified {
                subject,
                caller: Some(someone(42))
            })
        );
    }

    #[test]
    fn tokens_without_the_caller_claims_still_verify_without_a_caller() {
        let k = keys();
        let now = chrono::Utc::now().timestamp() as u64;
        let claims = serde_json::json!({
            "sub": "7", "iss": "kanogap", "aud": "kanogap-api", "iat": now, "nbf": now, "exp": now + 60, "gen": 2
        });
        let token = encode(&Header::new(Algorithm::HS256), &claims, &k.encoding).unwrap();
        let verified = k.verify(&token).unwrap();
        assert_eq!(
            verified.subject,
            Subject {
                user_id: 7,
                generation: 2
            }
        );
        assert_eq!(verified.caller, None);
    }

    #[test]
    fn other_keys_issuers_and_audiences_are_refused() {
        let token = keys()
            .issue(
                Subject {
                    user_id: 1,
                    generation: 0,
                },
                &someone(1),
            )
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
