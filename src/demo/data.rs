//! The demo data set: the IT department of Northfield University, a mid-sized university,
//! working through the service-culture method of seed 003 in the autumn of 2026.
//!
//! Five stakeholder segments were heard in interviews and focus groups (findings), answered a
//! Kano questionnaire (answer profiles, expanded into individual answers by [`answers`]), and
//! their requirements were held against measured current capability (assessments) in a gap
//! review workshop. The five-minute helpdesk call-back standard (`HD-CALLBACK`) is the example
//! from the seed: a basic need for most segments, a satisfier for students, currently 22 minutes.
//!
//! Everything here is static and deterministic so that a first run always shows the same story.

use crate::domain::kano::Answer;
use crate::domain::kano::Answer::{Dislike as DL, Like as LK, LiveWith as LW, MustBe as MB, Neutral as NT};
use crate::domain::terms::{Direction, FindingCategory, SessionKind};

/// A stakeholder segment of internal customers.
#[derive(Debug, Clone, Copy)]
pub struct DemoSegment {
    pub name: &'static str,
    pub description: &'static str,
    pub headcount: i32,
    pub weight: f64,
    pub ambassador: &'static str,
}

/// A requirement in the users' words; measurable ones carry metric, unit, direction and target.
#[derive(Debug, Clone, Copy)]
pub struct DemoRequirement {
    pub key: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    /// Exactly one of the eight seeded service area names.
    pub service_area: &'static str,
    pub metric: Option<&'static str>,
    pub unit: Option<&'static str>,
    pub direction: Option<Direction>,
    pub target: Option<f64>,
}

/// An interview, focus group, survey or workshop.
#[derive(Debug, Clone, Copy)]
pub struct DemoSession {
    pub kind: SessionKind,
    pub title: &'static str,
    /// YYYY-MM-DD.
    pub held_on: &'static str,
    pub facilitator: &'static str,
    pub segments: &'static [&'static str],
    pub notes: &'static str,
}

/// A facilitator's Kano judgement from a session.
#[derive(Debug, Clone, Copy)]
pub struct DemoFinding {
    /// A [`DemoSession`] title.
    pub session: &'static str,
    pub segment: &'static str,
    /// A requirement key.
    pub requirement: &'static str,
    pub category: FindingCategory,
    pub importance: i32,
    /// A short quote in the users' words.
    pub note: &'static str,
}

/// How a segment answers a requirement in the questionnaire: weights of answer pairs.
#[derive(Debug, Clone, Copy)]
pub struct DemoAnswerProfile {
    pub segment: &'static str,
    pub requirement: &'static str,
    pub respondents: u32,
    /// ((functional, dysfunctional), weight).
    pub mix: &'static [((Answer, Answer), u32)],
    /// Typical importance; None = not asked.
    pub importance: Option<i32>,
}

/// A dated measurement of current capability, overall (segment None) or for one segment.
#[derive(Debug, Clone, Copy)]
pub struct DemoAssessment {
    pub requirement: &'static str,
    pub segment: Option<&'static str>,
    pub current_value: Option<f64>,
    pub fulfilment: Option<f64>,
    pub assessed_on: &'static str,
    pub assessor: &'static str,
    pub note: &'static str,
}

/// The title of the survey session the questionnaire answers belong to.
pub const SURVEY_SESSION: &str = "Autumn 2026 Kano questionnaire";

/// The second wave, a year later: a short re-survey of a few requirements (see
/// [`second_wave_profiles`]).
pub const SECOND_SURVEY_SESSION: &str = "Autumn 2027 Kano re-survey";

const FACULTY: &str = "Faculty";
const STUDENTS: &str = "Students";
const RESEARCH: &str = "Research";
const ADMIN: &str = "Administration & Finance";
const OPERATIONS: &str = "Campus operations";
const ALL_SEGMENTS: &[&str] = &[FACULTY, STUDENTS, RESEARCH, ADMIN, OPERATIONS];

const SP: &str = "Strategic planning";
const RC: &str = "Requirements capture";
const UR: &str = "User relationships";
const UE: &str = "User education";
const DS: &str = "Developing/acquiring solutions";
const ID: &str = "Implementing/deploying solutions";
const TR: &str = "Training";
const HD: &str = "Helpdesk support";

const S_REGISTRAR: &str = "Interview: Registrar and Finance Director";
const S_RESEARCH: &str = "Interview: Research computing leads";
const S_TEACHING: &str = "Focus group: Teaching and learning";
const S_ESTATES: &str = "Interview: Director of Estates and Facilities";
const S_STUDENTS: &str = "Focus group: Student union and residence representatives";
const S_FRONTLINE: &str = "Focus group: Front-line operations and administration staff";
const S_WORKSHOP: &str = "Workshop: Gap review with service ambassadors";

/// Survey respondents per segment: respondent id prefix and how many people answered at all.
/// A profile's respondents are a subset of its segment's pool (people skipped some questions).
const RESPONDENT_POOLS: &[(&str, &str, u32)] = &[
    (FACULTY, "FAC", 58),
    (STUDENTS, "STU", 60),
    (RESEARCH, "RES", 44),
    (ADMIN, "ADM", 52),
    (OPERATIONS, "OPS", 40),
];

static SEGMENTS: [DemoSegment; 5] = [
    DemoSegment {
        name: FACULTY,
        description: "Teaching academics across the four faculties (Arts & Humanities, Business, Science & \
                      Engineering, Health), including sessional lecturers. Depend on teaching rooms, the learning \
                      platform and e-mail working in every teaching hour.",
        headcount: 780,
        weight: 1.5,
        ambassador: "Priya Raman",
    },
    DemoSegment {
        name: STUDENTS,
        description: "Undergraduate and postgraduate students, on campus and online, 2,100 of them in residence \
                      halls. Heavy evening and weekend use; most of their requests are about Wi-Fi, accounts, \
                      printing and the learning platform.",
        headcount: 14200,
        weight: 1.0,
        ambassador: "Marcus Oduya",
    },
    DemoSegment {
        name: RESEARCH,
        description: "Research staff, postdocs and funded PhD candidates in research groups and core facilities. \
                      Need high-performance computing, specialist software and long uninterrupted runs; many work \
                      outside office hours.",
        headcount: 620,
        weight: 1.3,
        ambassador: "Helen Zhao",
    },
    DemoSegment {
        name: ADMIN,
        description: "Central administration: finance, payroll, HR, registry, admissions and the executive office. \
                      Run the finance, HR and student-records systems to a fixed calendar of month-ends, payroll \
                      runs and enrolment.",
        headcount: 540,
        weight: 1.2,
        ambassador: "Tom Brennan",
    },
    DemoSegment {
        name: OPERATIONS,
        description: "Estates and facilities, security, residences, catering and library front desks; many work \
                      shifts and have no desk of their own. Use the work-order, access-control and rota systems, \
                      mostly on shared or mobile devices.",
        headcount: 410,
        weight: 0.8,
        ambassador: "Alicia Moreno",
    },
];

/// A requirement with a measure.
const fn measured(
    key: &'static str,
    title: &'static str,
    description: &'static str,
    service_area: &'static str,
    (metric, unit, direction, target): (&'static str, &'static str, Direction, f64),
) -> DemoRequirement {
    DemoRequirement {
        key,
        title,
        description,
        service_area,
        metric: Some(metric),
        unit: Some(unit),
        direction: Some(direction),
        target: Some(target),
    }
}

/// A requirement judged by fulfilment only.
const fn unmeasured(
    key: &'static str,
    title: &'static str,
    description: &'static str,
    service_area: &'static str,
) -> DemoRequirement {
    DemoRequirement {
        key,
        title,
        description,
        service_area,
        metric: None,
        unit: None,
        direction: None,
        target: None,
    }
}

const HIGHER: Direction = Direction::HigherIsBetter;
const LOWER: Direction = Direction::LowerIsBetter;

static REQUIREMENTS: [DemoRequirement; 32] = [
    // Strategic planning
    unmeasured(
        "SP-ROADMAP",
        "Published three-year IT roadmap",
        "A three-year IT roadmap tied to the university's strategic plan, published to all staff so that \
         departments can plan and budget their side of it.",
        SP,
    ),
    unmeasured(
        "SP-STEERING",
        "Users have a seat on the IT steering committee",
        "Faculty and student representatives sit on the IT steering committee that decides which systems are \
         bought and which projects go first.",
        SP,
    ),
    measured(
        "SP-PROJECT-STATUS",
        "Quarterly status report on IT projects",
        "Every quarter IT reports where each project in the portfolio stands, including the ones that are late.",
        SP,
        ("portfolio status reports published per year", "reports", HIGHER, 4.0),
    ),
    // Requirements capture
    measured(
        "RC-REQUEST-ACK",
        "New system requests scoped within ten working days",
        "A new system or change request gets a named analyst and a scoping meeting within ten working days, \
         instead of waiting in a shared mailbox.",
        RC,
        ("working days from request to scoping meeting", "days", LOWER, 10.0),
    ),
    measured(
        "RC-SIGNOFF",
        "Users sign off requirements before build starts",
        "The users who will work with a system review and sign off its requirements before development or \
         configuration begins.",
        RC,
        (
            "projects with user-signed requirements before build",
            "%",
            HIGHER,
            100.0,
        ),
    ),
    unmeasured(
        "RC-RESEARCH-GRANTS",
        "IT helps scope computing needs in grant bids",
        "Research computing staff help principal investigators scope and cost the computing, storage and \
         software in research grant proposals.",
        RC,
    ),
    // User relationships
    measured(
        "UR-AMBASSADOR",
        "A named IT service ambassador for every department",
        "Each department knows its IT service ambassador by name: one person who knows their work, their systems \
         and their open issues.",
        UR,
        ("departments with a named service ambassador", "%", HIGHER, 100.0),
    ),
    measured(
        "UR-SERVICE-REVIEW",
        "Termly service review with each segment",
        "Once a term IT meets each stakeholder group to review service levels, complaints and the improvement plan.",
        UR,
        ("service review meetings per segment per year", "meetings", HIGHER, 3.0),
    ),
    measured(
        "UR-COMPLAINTS",
        "Complaints resolved within ten working days",
        "Every complaint is logged with a tracking number and an owner, acknowledged the same day and resolved \
         within ten working days.",
        UR,
        ("median working days to resolve a complaint", "days", LOWER, 10.0),
    ),
    unmeasured(
        "UR-STATS",
        "Service statistics published every month",
        "IT publishes its service statistics every month as charts: the good, the bad and the ugly, with what is \
         being done about them.",
        UR,
    ),
    // User education
    unmeasured(
        "UE-SHOWCASE",
        "Termly 'what IT can do for you' showcase",
        "A short showcase each term of tools and services people already have but may not know about: the art of \
         the possible.",
        UE,
    ),
    unmeasured(
        "UE-CATALOGUE",
        "Plain-language online service catalogue",
        "A searchable catalogue of IT services in plain language: what each service is, who can have it and how \
         to ask for it.",
        UE,
    ),
    measured(
        "UE-SECURITY-AWARENESS",
        "Short security awareness training for all staff",
        "A twenty-minute online module on phishing, passwords and data handling, refreshed every year.",
        UE,
        (
            "staff who completed the security awareness module this year",
            "%",
            HIGHER,
            90.0,
        ),
    ),
    // Developing/acquiring solutions
    measured(
        "DS-LMS-INTEGRATION",
        "Grades flow from the learning platform to student records",
        "Marks entered in the learning platform reach the student-records system without re-typing and without \
         waiting days for a batch job.",
        DS,
        ("hours for a grade to reach the student record", "h", LOWER, 24.0),
    ),
    unmeasured(
        "DS-MOBILE-APP",
        "Campus mobile app",
        "One mobile app for timetables, grades, room booking and, for staff, work orders and rotas.",
        DS,
    ),
    measured(
        "DS-PROCUREMENT-ASSIST",
        "Help choosing and buying software within six weeks",
        "IT helps evaluate, license and buy specialist software, and a request reaches a purchase decision \
         within six weeks.",
        DS,
        ("weeks from software request to purchase decision", "weeks", LOWER, 6.0),
    ),
    measured(
        "DS-HPC-CAPACITY",
        "HPC jobs start within four hours",
        "Enough high-performance computing capacity that a typical batch job starts within four hours of \
         submission.",
        DS,
        ("median HPC queue wait", "h", LOWER, 4.0),
    ),
    measured(
        "DS-SSO",
        "One login for all university systems",
        "Single sign-on with one university account across e-mail, the learning platform, finance, HR, rota and \
         work-order systems.",
        DS,
        ("systems behind single sign-on", "%", HIGHER, 95.0),
    ),
    // Implementing/deploying solutions
    measured(
        "ID-DEPLOY-DAYS",
        "Approved software installed within five working days",
        "Once software is approved and licensed, it is installed on the requester's machine or lab image within \
         five working days.",
        ID,
        (
            "working days from approved request to installed software",
            "days",
            LOWER,
            5.0,
        ),
    ),
    measured(
        "ID-CHANGE-NOTICE",
        "Planned outages announced a week ahead",
        "Planned outages and upgrades are announced at least seven days ahead, never scheduled in teaching hours, \
         month-end or exam weeks.",
        ID,
        ("days of notice given for planned outages (median)", "days", HIGHER, 7.0),
    ),
    measured(
        "ID-UPTIME",
        "Core systems available when needed",
        "E-mail, the learning platform, Wi-Fi and the finance and student-records systems are available, above \
         all during term, month-end and enrolment.",
        ID,
        ("availability of core systems", "%", HIGHER, 99.9),
    ),
    unmeasured(
        "ID-TERM-FREEZE",
        "No major changes in the first weeks of term or in exams",
        "A change freeze on teaching systems in the first two weeks of each term and during exam periods.",
        ID,
    ),
    unmeasured(
        "ID-PASSWORD-30",
        "Mandatory password change every 30 days",
        "Proposed by the internal audit: every account must change its password every 30 days.",
        ID,
    ),
    // Training
    measured(
        "TR-ONBOARD",
        "Accounts and IT induction ready on day one",
        "New staff and students have working accounts and a short IT induction on their first day.",
        TR,
        ("new starters with working accounts on day one", "%", HIGHER, 95.0),
    ),
    measured(
        "TR-SATISFACTION",
        "Hands-on training for new systems",
        "Training for new systems is hands-on, in people's own data and processes, and rated well by those who \
         attend.",
        TR,
        ("training participants satisfied or very satisfied", "%", HIGHER, 85.0),
    ),
    unmeasured(
        "TR-SELF-PACED",
        "Short self-paced video tutorials",
        "Two- to five-minute videos for common tasks (printing, Wi-Fi, the learning platform, expenses) that can \
         be watched at any hour.",
        TR,
    ),
    unmeasured(
        "TR-TEACHING-TECH",
        "Teaching-room technology walk-through before term",
        "A ten-minute walk-through of a teaching room's projector, lecture capture and microphones for lecturers \
         before their first class there.",
        TR,
    ),
    // Helpdesk support
    measured(
        "HD-CALLBACK",
        "Initial call-back within five minutes",
        "After a problem is reported, someone from IT calls back within five minutes to understand and capture \
         the problem, agree when it will be fixed and reassure the user that IT is there to help.",
        HD,
        ("minutes to first call-back", "min", LOWER, 5.0),
    ),
    measured(
        "HD-FIRST-FIX",
        "Problem fixed on first contact",
        "Most problems are solved during the first call or chat, without being passed between teams.",
        HD,
        ("first-contact resolution", "%", HIGHER, 75.0),
    ),
    measured(
        "HD-CHAT-247",
        "24/7 chat support",
        "A live chat with a person, at any hour, every day of the year.",
        HD,
        ("hours of staffed live chat per week", "h/week", HIGHER, 168.0),
    ),
    measured(
        "HD-CLASSROOM-RESPONSE",
        "Technician in a teaching room within fifteen minutes",
        "When teaching-room technology fails during a class, a technician is in the room within fifteen minutes.",
        HD,
        (
            "minutes for a technician to reach a teaching room (median)",
            "min",
            LOWER,
            15.0,
        ),
    ),
    measured(
        "HD-STATUS-UPDATES",
        "Ticket updates without having to chase",
        "Open tickets are updated at least every two working days, so nobody has to ring up to ask what is \
         happening.",
        HD,
        (
            "open tickets updated at least every two working days",
            "%",
            HIGHER,
            90.0,
        ),
    ),
];

static SESSIONS: [DemoSession; 9] = [
    DemoSession {
        kind: SessionKind::Interview,
        title: S_REGISTRAR,
        held_on: "2026-09-08",
        facilitator: "Dana Whitfield",
        segments: &[ADMIN],
        notes: "One-hour interview with the University Registrar and the Director of Finance about the finance, \
                payroll and student-records systems. Month-end and enrolment peaks came up again and again; both \
                asked for a person on the phone rather than a ticket number.",
    },
    DemoSession {
        kind: SessionKind::Interview,
        title: S_RESEARCH,
        held_on: "2026-09-15",
        facilitator: "Sam Kowalski",
        segments: &[RESEARCH],
        notes: "Interview with three principal investigators and the core-facilities manager. HPC queues, software \
                installs and procurement dominated; they care more about the speed of specialist help than about \
                the general helpdesk.",
    },
    DemoSession {
        kind: SessionKind::FocusGroup,
        title: S_TEACHING,
        held_on: "2026-09-24",
        facilitator: "Dana Whitfield",
        segments: &[FACULTY],
        notes: "Nine lecturers from all four faculties, two of them sessional. Teaching-room failures and the \
                learning platform were the main pain points; several had never heard of the existing IT training \
                offer.",
    },
    DemoSession {
        kind: SessionKind::Interview,
        title: S_ESTATES,
        held_on: "2026-09-29",
        facilitator: "Alicia Moreno",
        segments: &[OPERATIONS],
        notes: "Walk-through of the estates helpdesk with the director and the night security supervisor. Shift \
                staff have no IT support outside office hours, and new starters wait days for their accounts.",
    },
    DemoSession {
        kind: SessionKind::FocusGroup,
        title: S_STUDENTS,
        held_on: "2026-10-01",
        facilitator: "Sam Kowalski",
        segments: &[STUDENTS],
        notes: "Eleven students: union officers, residence floor representatives and two online postgraduates. \
                The conversation kept returning to late-night problems and fresher-week log-ins.",
    },
    DemoSession {
        kind: SessionKind::FocusGroup,
        title: S_FRONTLINE,
        held_on: "2026-10-08",
        facilitator: "Dana Whitfield",
        segments: &[OPERATIONS, ADMIN],
        notes: "Mixed group of eight: porters, library desk and catering supervisors, and faculty administrators. \
                A useful contrast between shift workers and office-hours staff on when support is needed.",
    },
    DemoSession {
        kind: SessionKind::Survey,
        title: SURVEY_SESSION,
        held_on: "2026-10-19",
        facilitator: "Sam Kowalski",
        segments: ALL_SEGMENTS,
        notes: "Online questionnaire open from 19 October to 6 November: the functional and dysfunctional Kano \
                questions and importance 1-5 for a set of requirements chosen per segment. Campus operations \
                staff answered on paper during shift briefings, without the importance question.",
    },
    DemoSession {
        kind: SessionKind::Workshop,
        title: S_WORKSHOP,
        held_on: "2026-11-17",
        facilitator: "Margaret Osei",
        segments: ALL_SEGMENTS,
        notes: "Half-day workshop with the five service ambassadors and two user representatives per segment to \
                check the survey results against current capability. Agreed that the call-back standard and \
                first-contact resolution make up the first service improvement plan.",
    },
    DemoSession {
        kind: SessionKind::Survey,
        title: SECOND_SURVEY_SESSION,
        held_on: "2027-10-18",
        facilitator: "Sam Kowalski",
        segments: ALL_SEGMENTS,
        notes: "The yearly re-survey, a year after the first questionnaire: the same functional and dysfunctional \
                questions for five requirements, without the importance question. Single sign-on, rolled out for \
                staff in the spring, is no longer a pleasant surprise for faculty but something they expect.",
    },
];

const fn finding(
    session: &'static str,
    segment: &'static str,
    requirement: &'static str,
    category: FindingCategory,
    importance: i32,
    note: &'static str,
) -> DemoFinding {
    DemoFinding {
        session,
        segment,
        requirement,
        category,
        importance,
        note,
    }
}

const BASIC: FindingCategory = FindingCategory::Basic;
const SATISFIER: FindingCategory = FindingCategory::Satisfier;
const DELIGHTER: FindingCategory = FindingCategory::Delighter;
const INDIFFERENT: FindingCategory = FindingCategory::Indifferent;
const REVERSE: FindingCategory = FindingCategory::Reverse;

static FINDINGS: [DemoFinding; 52] = [
    // Registrar and Finance Director
    finding(
        S_REGISTRAR,
        ADMIN,
        "HD-CALLBACK",
        BASIC,
        5,
        "When payroll is stuck I need a person on the phone within minutes, not a ticket number.",
    ),
    finding(
        S_REGISTRAR,
        ADMIN,
        "HD-STATUS-UPDATES",
        BASIC,
        4,
        "We spend half our time chasing tickets to find out whether anyone has looked at them.",
    ),
    finding(
        S_REGISTRAR,
        ADMIN,
        "ID-UPTIME",
        BASIC,
        5,
        "If the finance system is down at month-end, salaries are late. That is not negotiable.",
    ),
    finding(
        S_REGISTRAR,
        ADMIN,
        "RC-SIGNOFF",
        SATISFIER,
        4,
        "The last upgrade was built before anyone in Finance had seen the requirements.",
    ),
    finding(
        S_REGISTRAR,
        ADMIN,
        "SP-PROJECT-STATUS",
        SATISFIER,
        3,
        "Tell us every quarter where our projects stand, even when the news is bad.",
    ),
    finding(
        S_REGISTRAR,
        ADMIN,
        "UR-COMPLAINTS",
        BASIC,
        4,
        "A complaint that disappears into a mailbox is worse than having no complaints process at all.",
    ),
    // Research computing leads
    finding(
        S_RESEARCH,
        RESEARCH,
        "DS-HPC-CAPACITY",
        SATISFIER,
        5,
        "Every hour a job sits in the queue is an hour my postdoc sits idle.",
    ),
    finding(
        S_RESEARCH,
        RESEARCH,
        "ID-DEPLOY-DAYS",
        BASIC,
        4,
        "Waiting three weeks to get a licensed analysis package installed is absurd.",
    ),
    finding(
        S_RESEARCH,
        RESEARCH,
        "RC-RESEARCH-GRANTS",
        DELIGHTER,
        3,
        "If IT helped us cost the computing in our grant bids, we would win more of them.",
    ),
    finding(
        S_RESEARCH,
        RESEARCH,
        "ID-CHANGE-NOTICE",
        BASIC,
        5,
        "A surprise reboot killed a six-day simulation last spring.",
    ),
    finding(
        S_RESEARCH,
        RESEARCH,
        "HD-CALLBACK",
        BASIC,
        4,
        "Our tickets seem to go to the bottom of the pile. A quick call back would change that.",
    ),
    finding(
        S_RESEARCH,
        RESEARCH,
        "DS-PROCUREMENT-ASSIST",
        BASIC,
        3,
        "Buying the software for an instrument takes longer than the grant that pays for it.",
    ),
    // Teaching and learning
    finding(
        S_TEACHING,
        FACULTY,
        "HD-CLASSROOM-RESPONSE",
        BASIC,
        5,
        "With two hundred students waiting, fifteen minutes for a technician is already a long time.",
    ),
    finding(
        S_TEACHING,
        FACULTY,
        "HD-CALLBACK",
        BASIC,
        4,
        "I don't need it fixed in five minutes, I need to know someone has it.",
    ),
    finding(
        S_TEACHING,
        FACULTY,
        "DS-LMS-INTEGRATION",
        SATISFIER,
        4,
        "Re-typing marks from the learning platform into the student record costs me a weekend every term.",
    ),
    finding(
        S_TEACHING,
        FACULTY,
        "TR-TEACHING-TECH",
        SATISFIER,
        3,
        "Ten minutes in the room before my first lecture would save a lot of panic.",
    ),
    finding(
        S_TEACHING,
        FACULTY,
        "ID-TERM-FREEZE",
        SATISFIER,
        4,
        "Please stop changing the learning platform in week one.",
    ),
    finding(
        S_TEACHING,
        FACULTY,
        "UR-AMBASSADOR",
        DELIGHTER,
        3,
        "Having one person in IT who actually knows our department would be wonderful.",
    ),
    finding(
        S_TEACHING,
        FACULTY,
        "UE-SHOWCASE",
        INDIFFERENT,
        2,
        "I don't have time for demos. Tell me when something affects my teaching.",
    ),
    finding(
        S_TEACHING,
        FACULTY,
        "DS-SSO",
        DELIGHTER,
        3,
        "One password for everything? I'll believe it when I see it.",
    ),
    // Director of Estates and Facilities
    finding(
        S_ESTATES,
        OPERATIONS,
        "HD-CHAT-247",
        SATISFIER,
        4,
        "Our night security team has nobody to call when the access-control system locks up at 2 a.m.",
    ),
    finding(
        S_ESTATES,
        OPERATIONS,
        "TR-ONBOARD",
        BASIC,
        4,
        "New porters start on Monday and can't log into the rota system until Thursday.",
    ),
    finding(
        S_ESTATES,
        OPERATIONS,
        "DS-MOBILE-APP",
        DELIGHTER,
        3,
        "If the caretakers could close work orders on their phones, they'd never go back.",
    ),
    finding(
        S_ESTATES,
        OPERATIONS,
        "HD-CALLBACK",
        BASIC,
        4,
        "A boiler alarm can't wait for someone to get round to reading an e-mail.",
    ),
    // Student union and residence representatives
    finding(
        S_STUDENTS,
        STUDENTS,
        "HD-CHAT-247",
        DELIGHTER,
        4,
        "Essays get written at 1 a.m. That's when the Wi-Fi breaks and nobody's there.",
    ),
    finding(
        S_STUDENTS,
        STUDENTS,
        "HD-CALLBACK",
        SATISFIER,
        3,
        "A quick call back would be nice. The faster the better, but I can usually wait.",
    ),
    finding(
        S_STUDENTS,
        STUDENTS,
        "ID-PASSWORD-30",
        REVERSE,
        3,
        "Changing my password every month just means I write it on a sticky note.",
    ),
    finding(
        S_STUDENTS,
        STUDENTS,
        "DS-MOBILE-APP",
        DELIGHTER,
        4,
        "Timetable, grades and room booking in one app would be amazing.",
    ),
    finding(
        S_STUDENTS,
        STUDENTS,
        "TR-ONBOARD",
        BASIC,
        5,
        "In fresher week I couldn't log on for four days and missed my first assignment brief.",
    ),
    finding(
        S_STUDENTS,
        STUDENTS,
        "ID-UPTIME",
        BASIC,
        5,
        "The learning platform went down an hour before the deadline. Twice.",
    ),
    finding(
        S_STUDENTS,
        STUDENTS,
        "UE-SECURITY-AWARENESS",
        INDIFFERENT,
        2,
        "Honestly, I'd skip the phishing video.",
    ),
    finding(
        S_STUDENTS,
        STUDENTS,
        "HD-FIRST-FIX",
        SATISFIER,
        4,
        "Being sent between three desks for one laptop problem is the worst.",
    ),
    // Front-line operations and administration staff
    finding(
        S_FRONTLINE,
        OPERATIONS,
        "TR-SELF-PACED",
        SATISFIER,
        3,
        "Shift staff can't come to a ten o'clock session. A short video they can watch on their break works.",
    ),
    finding(
        S_FRONTLINE,
        OPERATIONS,
        "UE-CATALOGUE",
        DELIGHTER,
        2,
        "I didn't know IT could set up a shared calendar for us until last week.",
    ),
    finding(
        S_FRONTLINE,
        OPERATIONS,
        "HD-FIRST-FIX",
        SATISFIER,
        4,
        "Fix it while I'm on the phone and you've made my day.",
    ),
    finding(
        S_FRONTLINE,
        OPERATIONS,
        "ID-PASSWORD-30",
        INDIFFERENT,
        2,
        "Passwords are passwords. We change them when we're told to.",
    ),
    finding(
        S_FRONTLINE,
        ADMIN,
        "TR-SATISFACTION",
        SATISFIER,
        4,
        "The finance system training was a slide deck read aloud. We need hands-on practice.",
    ),
    finding(
        S_FRONTLINE,
        ADMIN,
        "HD-FIRST-FIX",
        BASIC,
        4,
        "It should be fixed the first time. We are not the testers.",
    ),
    finding(
        S_FRONTLINE,
        ADMIN,
        "UR-STATS",
        DELIGHTER,
        2,
        "If IT published its own numbers every month, we'd trust them more.",
    ),
    finding(
        S_FRONTLINE,
        ADMIN,
        "HD-CHAT-247",
        INDIFFERENT,
        1,
        "We work nine to five. A night-time chat wouldn't change anything for us.",
    ),
    // Gap review workshop
    finding(
        S_WORKSHOP,
        FACULTY,
        "HD-FIRST-FIX",
        SATISFIER,
        4,
        "Being told to turn it off and on again is not a fix.",
    ),
    finding(
        S_WORKSHOP,
        FACULTY,
        "ID-CHANGE-NOTICE",
        BASIC,
        4,
        "A week's notice, and never during teaching hours.",
    ),
    finding(
        S_WORKSHOP,
        FACULTY,
        "SP-STEERING",
        DELIGHTER,
        3,
        "Faculty should have a seat at the table when IT decides what to buy.",
    ),
    finding(
        S_WORKSHOP,
        STUDENTS,
        "DS-SSO",
        SATISFIER,
        3,
        "Every extra login is one more password to forget.",
    ),
    finding(
        S_WORKSHOP,
        STUDENTS,
        "TR-SELF-PACED",
        DELIGHTER,
        3,
        "Two-minute videos on printing and eduroam, please.",
    ),
    finding(
        S_WORKSHOP,
        RESEARCH,
        "UR-AMBASSADOR",
        SATISFIER,
        3,
        "A named contact who understands research computing would cut out a lot of back and forth.",
    ),
    finding(
        S_WORKSHOP,
        RESEARCH,
        "ID-PASSWORD-30",
        INDIFFERENT,
        2,
        "Most of us log in with SSH keys anyway.",
    ),
    finding(
        S_WORKSHOP,
        RESEARCH,
        "SP-ROADMAP",
        INDIFFERENT,
        2,
        "Roadmaps are nice, but we plan around grants, not around IT strategy.",
    ),
    finding(
        S_WORKSHOP,
        ADMIN,
        "RC-REQUEST-ACK",
        BASIC,
        4,
        "A request with no answer for a month tells us it doesn't matter.",
    ),
    finding(
        S_WORKSHOP,
        ADMIN,
        "SP-ROADMAP",
        DELIGHTER,
        3,
        "Seeing the three-year plan would let us budget for our side of it.",
    ),
    finding(
        S_WORKSHOP,
        OPERATIONS,
        "UR-AMBASSADOR",
        DELIGHTER,
        3,
        "Alicia coming to our team meeting did more than any ticket system ever has.",
    ),
    finding(
        S_WORKSHOP,
        OPERATIONS,
        "DS-SSO",
        SATISFIER,
        3,
        "The rota system, the work-order system and e-mail all want different passwords.",
    ),
];

const fn profile(
    segment: &'static str,
    requirement: &'static str,
    respondents: u32,
    importance: Option<i32>,
    mix: &'static [((Answer, Answer), u32)],
) -> DemoAnswerProfile {
    DemoAnswerProfile {
        segment,
        requirement,
        respondents,
        mix,
        importance,
    }
}

// Mix weights are percentages. Cells by Kano category: A = (LK, MB|NT|LW), O = (LK, DL),
// M = (MB|NT|LW, DL), I = (MB|NT|LW, MB|NT|LW), R = (*, LK) and (DL, MB|NT|LW), Q = (LK, LK)
// and (DL, DL). Each comment gives the category shares and the expected classification;
// "close" marks a tie Fong's test cannot break, settled by the M > O > A > I rule.
#[rustfmt::skip]
static ANSWER_PROFILES: [DemoAnswerProfile; 72] = [
    // Faculty
    // close: O 38, M 34 → basic
    profile(FACULTY, "HD-CALLBACK", 54, Some(4), &[
        ((LK, DL), 38), ((MB, DL), 19), ((NT, DL), 10), ((LW, DL), 5), ((LK, NT), 8), ((LK, LW), 2), ((NT, NT), 10),
        ((MB, MB), 4), ((LK, LK), 2), ((DL, NT), 2),
    ]),
    // O 49, M 16, A 16, I 15
    profile(FACULTY, "HD-FIRST-FIX", 52, Some(4), &[
        ((LK, DL), 49), ((MB, DL), 10), ((NT, DL), 6), ((LK, NT), 13), ((LK, MB), 3), ((NT, NT), 12), ((LW, LW), 3),
        ((DL, DL), 2), ((NT, LK), 2),
    ]),
    // M 61, O 21, I 12
    profile(FACULTY, "HD-CLASSROOM-RESPONSE", 56, Some(5), &[
        ((MB, DL), 36), ((NT, DL), 16), ((LW, DL), 9), ((LK, DL), 21), ((LK, NT), 4), ((NT, NT), 9), ((MB, NT), 3),
        ((LK, LK), 2),
    ]),
    // M 55, O 26, I 12
    profile(FACULTY, "ID-UPTIME", 55, Some(5), &[
        ((MB, DL), 33), ((NT, DL), 14), ((LW, DL), 8), ((LK, DL), 26), ((LK, NT), 5), ((NT, NT), 10), ((MB, MB), 2),
        ((DL, DL), 1), ((DL, NT), 1),
    ]),
    // M 50, O 20, I 15, A 12
    profile(FACULTY, "ID-CHANGE-NOTICE", 50, Some(4), &[
        ((MB, DL), 28), ((NT, DL), 16), ((LW, DL), 6), ((LK, DL), 20), ((LK, NT), 9), ((LK, LW), 3), ((NT, NT), 12),
        ((LW, NT), 3), ((NT, LK), 2), ((DL, NT), 1),
    ]),
    // O 45, I 19, M 18, A 14
    profile(FACULTY, "ID-TERM-FREEZE", 47, Some(3), &[
        ((LK, DL), 45), ((MB, DL), 9), ((NT, DL), 9), ((LK, NT), 10), ((LK, LW), 4), ((NT, NT), 15), ((LW, LW), 4),
        ((DL, NT), 2), ((LW, LK), 2),
    ]),
    // O 52, I 16, M 15, A 14
    profile(FACULTY, "DS-LMS-INTEGRATION", 49, Some(4), &[
        ((LK, DL), 52), ((MB, DL), 8), ((NT, DL), 7), ((LK, NT), 12), ((LK, MB), 2), ((NT, NT), 13), ((MB, NT), 3),
        ((LK, LK), 2), ((DL, DL), 1),
    ]),
    // A 50, I 22, O 17
    profile(FACULTY, "DS-SSO", 51, Some(3), &[
        ((LK, NT), 32), ((LK, LW), 12), ((LK, MB), 6), ((LK, DL), 17), ((MB, DL), 5), ((NT, DL), 3), ((NT, NT), 18),
        ((LW, LW), 4), ((LK, LK), 2), ((DL, NT), 1),
    ]),
    // O 44, I 19, A 18, M 16
    profile(FACULTY, "TR-TEACHING-TECH", 44, Some(3), &[
        ((LK, DL), 44), ((MB, DL), 8), ((NT, DL), 8), ((LK, NT), 15), ((LK, LW), 3), ((NT, NT), 16), ((MB, MB), 3),
        ((LW, LK), 2), ((DL, NT), 1),
    ]),
    // A 49, I 26, O 14
    profile(FACULTY, "TR-SELF-PACED", 42, Some(2), &[
        ((LK, NT), 30), ((LK, LW), 14), ((LK, MB), 5), ((LK, DL), 14), ((NT, DL), 5), ((MB, DL), 2), ((NT, NT), 20),
        ((LW, LW), 6), ((DL, NT), 2), ((NT, LK), 2),
    ]),
    // close: I 36, A 32 → delighter
    profile(FACULTY, "UE-SHOWCASE", 40, Some(2), &[
        ((NT, NT), 24), ((LW, LW), 6), ((MB, NT), 4), ((NT, LW), 2), ((LK, NT), 22), ((LK, LW), 7), ((LK, MB), 3),
        ((LK, DL), 12), ((NT, DL), 8), ((MB, DL), 4), ((DL, NT), 4), ((LW, LK), 2), ((LK, LK), 2),
    ]),
    // A 48, I 22, O 15
    profile(FACULTY, "SP-STEERING", 45, Some(3), &[
        ((LK, NT), 29), ((LK, LW), 15), ((LK, MB), 4), ((LK, DL), 15), ((MB, DL), 6), ((NT, DL), 4), ((NT, NT), 19),
        ((LW, NT), 3), ((DL, NT), 3), ((DL, DL), 2),
    ]),
    // A 53, O 19, I 18
    profile(FACULTY, "UR-AMBASSADOR", 48, Some(3), &[
        ((LK, NT), 34), ((LK, LW), 12), ((LK, MB), 7), ((LK, DL), 19), ((MB, DL), 6), ((NT, NT), 15), ((MB, MB), 3),
        ((LK, LK), 2), ((NT, LK), 2),
    ]),
    // O 47, I 20, M 18
    profile(FACULTY, "RC-REQUEST-ACK", 38, Some(3), &[
        ((LK, DL), 47), ((MB, DL), 12), ((NT, DL), 6), ((LK, NT), 11), ((NT, NT), 16), ((LW, LW), 4), ((DL, NT), 2),
        ((NT, LK), 2),
    ]),
    // I 54, R 19
    profile(FACULTY, "ID-PASSWORD-30", 53, Some(2), &[
        ((NT, NT), 34), ((LW, LW), 10), ((MB, NT), 4), ((LW, NT), 6), ((DL, LW), 9), ((DL, NT), 6), ((LW, LK), 4),
        ((MB, DL), 6), ((NT, DL), 4), ((LK, DL), 6), ((LK, NT), 8), ((DL, DL), 3),
    ]),
    // O 46, M 18, A 16, I 16
    profile(FACULTY, "TR-SATISFACTION", 41, Some(3), &[
        ((LK, DL), 46), ((MB, DL), 11), ((NT, DL), 7), ((LK, NT), 12), ((LK, LW), 4), ((NT, NT), 14), ((MB, MB), 2),
        ((LK, LK), 2), ((DL, DL), 2),
    ]),
    // Students
    // O 47, M 20, A 16, I 14
    profile(STUDENTS, "HD-CALLBACK", 58, Some(3), &[
        ((LK, DL), 47), ((MB, DL), 10), ((NT, DL), 7), ((LW, DL), 3), ((LK, NT), 13), ((LK, LW), 3), ((NT, NT), 12),
        ((LW, LW), 2), ((LK, LK), 2), ((DL, NT), 1),
    ]),
    // O 54, A 17, M 14, I 12
    profile(STUDENTS, "HD-FIRST-FIX", 57, Some(4), &[
        ((LK, DL), 54), ((MB, DL), 9), ((NT, DL), 5), ((LK, NT), 14), ((LK, MB), 3), ((NT, NT), 10), ((LW, NT), 2),
        ((DL, DL), 2), ((NT, LK), 1),
    ]),
    // A 60, O 16, I 15
    profile(STUDENTS, "HD-CHAT-247", 60, Some(4), &[
        ((LK, NT), 38), ((LK, LW), 17), ((LK, MB), 5), ((LK, DL), 16), ((NT, DL), 4), ((MB, DL), 2), ((NT, NT), 13),
        ((LW, LW), 2), ((LK, LK), 2), ((DL, NT), 1),
    ]),
    // close: A 36, O 32 → satisfier
    profile(STUDENTS, "HD-STATUS-UPDATES", 52, Some(3), &[
        ((LK, NT), 26), ((LK, LW), 8), ((LK, MB), 2), ((LK, DL), 32), ((MB, DL), 8), ((NT, DL), 5), ((NT, NT), 12),
        ((MB, MB), 3), ((LK, LK), 2), ((DL, NT), 2),
    ]),
    // M 62, O 22, I 10
    profile(STUDENTS, "ID-UPTIME", 59, Some(5), &[
        ((MB, DL), 35), ((NT, DL), 17), ((LW, DL), 10), ((LK, DL), 22), ((LK, NT), 4), ((NT, NT), 8), ((MB, MB), 2),
        ((DL, DL), 1), ((DL, NT), 1),
    ]),
    // R 58, I 21 → reverse
    profile(STUDENTS, "ID-PASSWORD-30", 56, Some(3), &[
        ((DL, LW), 24), ((DL, NT), 16), ((DL, MB), 6), ((LW, LK), 7), ((NT, LK), 5), ((NT, NT), 16), ((LW, LW), 5),
        ((MB, DL), 7), ((LK, DL), 7), ((LK, NT), 4), ((DL, DL), 3),
    ]),
    // A 56, I 19, O 18
    profile(STUDENTS, "DS-MOBILE-APP", 58, Some(4), &[
        ((LK, NT), 36), ((LK, LW), 14), ((LK, MB), 6), ((LK, DL), 18), ((NT, DL), 4), ((NT, NT), 16), ((LW, LW), 3),
        ((LK, LK), 2), ((DL, NT), 1),
    ]),
    // O 44, A 20, M 18, I 15
    profile(STUDENTS, "DS-SSO", 54, Some(3), &[
        ((LK, DL), 44), ((MB, DL), 12), ((NT, DL), 6), ((LK, NT), 16), ((LK, LW), 4), ((NT, NT), 13), ((LW, LW), 2),
        ((LK, LK), 2), ((NT, LK), 1),
    ]),
    // M 53, O 25, I 14
    profile(STUDENTS, "TR-ONBOARD", 55, Some(5), &[
        ((MB, DL), 30), ((NT, DL), 15), ((LW, DL), 8), ((LK, DL), 25), ((LK, NT), 6), ((NT, NT), 11), ((MB, MB), 3),
        ((LK, LK), 1), ((DL, NT), 1),
    ]),
    // A 47, I 27, O 13
    profile(STUDENTS, "TR-SELF-PACED", 50, Some(3), &[
        ((LK, NT), 31), ((LK, LW), 12), ((LK, MB), 4), ((LK, DL), 13), ((NT, DL), 4), ((MB, DL), 3), ((NT, NT), 22),
        ((LW, NT), 5), ((DL, NT), 2), ((LW, LK), 2), ((DL, DL), 2),
    ]),
    // I 55, A 17 → indifferent
    profile(STUDENTS, "UE-SECURITY-AWARENESS", 48, Some(2), &[
        ((NT, NT), 36), ((LW, LW), 9), ((MB, NT), 5), ((NT, LW), 5), ((LK, NT), 14), ((LK, LW), 3), ((LK, DL), 8),
        ((MB, DL), 5), ((NT, DL), 5), ((DL, NT), 5), ((LW, LK), 2), ((DL, DL), 3),
    ]),
    // O 45, M 19, I 19, A 12
    profile(STUDENTS, "UR-COMPLAINTS", 46, Some(3), &[
        ((LK, DL), 45), ((MB, DL), 13), ((NT, DL), 6), ((LK, NT), 12), ((NT, NT), 15), ((LW, LW), 4), ((LK, LK), 2),
        ((DL, DL), 1), ((DL, NT), 2),
    ]),
    // M 49, O 24, I 15
    profile(STUDENTS, "DS-LMS-INTEGRATION", 53, Some(4), &[
        ((MB, DL), 29), ((NT, DL), 14), ((LW, DL), 6), ((LK, DL), 24), ((LK, NT), 8), ((LK, LW), 2), ((NT, NT), 12),
        ((MB, NT), 3), ((LK, LK), 1), ((NT, LK), 1),
    ]),
    // A 50, I 24, O 12
    profile(STUDENTS, "SP-STEERING", 44, Some(2), &[
        ((LK, NT), 33), ((LK, LW), 12), ((LK, MB), 5), ((LK, DL), 12), ((MB, DL), 4), ((NT, DL), 4), ((NT, NT), 19),
        ((LW, LW), 5), ((DL, NT), 3), ((NT, LK), 1), ((LK, LK), 2),
    ]),
    // Research
    // M 52, O 22, I 16
    profile(RESEARCH, "HD-CALLBACK", 41, Some(4), &[
        ((MB, DL), 30), ((NT, DL), 15), ((LW, DL), 7), ((LK, DL), 22), ((LK, NT), 7), ((NT, NT), 13), ((MB, MB), 3),
        ((LK, LK), 2), ((DL, NT), 1),
    ]),
    // O 58, M 17, A 12, I 11
    profile(RESEARCH, "DS-HPC-CAPACITY", 44, Some(5), &[
        ((LK, DL), 58), ((MB, DL), 12), ((NT, DL), 5), ((LK, NT), 10), ((LK, LW), 2), ((NT, NT), 9), ((LW, LW), 2),
        ((LK, LK), 2),
    ]),
    // close: M 36, O 33 → basic
    profile(RESEARCH, "DS-PROCUREMENT-ASSIST", 38, Some(4), &[
        ((MB, DL), 20), ((NT, DL), 11), ((LW, DL), 5), ((LK, DL), 33), ((LK, NT), 10), ((LK, LW), 2), ((NT, NT), 13),
        ((MB, MB), 3), ((DL, NT), 2), ((DL, DL), 1),
    ]),
    // A 54, I 20, O 16
    profile(RESEARCH, "RC-RESEARCH-GRANTS", 36, Some(3), &[
        ((LK, NT), 35), ((LK, LW), 13), ((LK, MB), 6), ((LK, DL), 16), ((MB, DL), 4), ((NT, DL), 3), ((NT, NT), 17),
        ((LW, NT), 3), ((DL, NT), 2), ((LK, LK), 1),
    ]),
    // O 48, M 17, I 17, A 14
    profile(RESEARCH, "RC-REQUEST-ACK", 35, Some(3), &[
        ((LK, DL), 48), ((MB, DL), 11), ((NT, DL), 6), ((LK, NT), 14), ((NT, NT), 14), ((MB, MB), 3), ((DL, NT), 2),
        ((LW, LK), 2),
    ]),
    // M 51, O 23, I 14
    profile(RESEARCH, "ID-DEPLOY-DAYS", 42, Some(4), &[
        ((MB, DL), 27), ((NT, DL), 17), ((LW, DL), 7), ((LK, DL), 23), ((LK, NT), 8), ((LK, LW), 2), ((NT, NT), 11),
        ((LW, LW), 3), ((LK, LK), 1), ((DL, NT), 1),
    ]),
    // M 58, O 21, I 13
    profile(RESEARCH, "ID-CHANGE-NOTICE", 43, Some(5), &[
        ((MB, DL), 34), ((NT, DL), 16), ((LW, DL), 8), ((LK, DL), 21), ((LK, NT), 5), ((NT, NT), 10), ((MB, NT), 3),
        ((LK, LK), 2), ((DL, NT), 1),
    ]),
    // O 46, M 20, I 17, A 13
    profile(RESEARCH, "ID-UPTIME", 40, Some(4), &[
        ((LK, DL), 46), ((MB, DL), 14), ((NT, DL), 6), ((LK, NT), 11), ((LK, LW), 2), ((NT, NT), 14), ((MB, MB), 3),
        ((DL, DL), 2), ((LK, LK), 1), ((NT, LK), 1),
    ]),
    // O 45, I 19, M 16, A 16
    profile(RESEARCH, "HD-FIRST-FIX", 39, Some(3), &[
        ((LK, DL), 45), ((MB, DL), 10), ((NT, DL), 6), ((LK, NT), 13), ((LK, LW), 3), ((NT, NT), 15), ((LW, LW), 4),
        ((LK, LK), 2), ((DL, NT), 2),
    ]),
    // close: R 34, I 32 → indifferent
    profile(RESEARCH, "ID-PASSWORD-30", 37, Some(2), &[
        ((DL, LW), 14), ((DL, NT), 10), ((DL, MB), 4), ((LW, LK), 4), ((NT, LK), 2), ((NT, NT), 20), ((LW, LW), 6),
        ((LW, NT), 4), ((MB, NT), 2), ((MB, DL), 8), ((NT, DL), 4), ((LK, DL), 8), ((LK, NT), 10), ((DL, DL), 4),
    ]),
    // O 48, A 17, I 17, M 14
    profile(RESEARCH, "UR-AMBASSADOR", 34, Some(3), &[
        ((LK, DL), 48), ((MB, DL), 9), ((NT, DL), 5), ((LK, NT), 13), ((LK, LW), 4), ((NT, NT), 14), ((MB, MB), 3),
        ((LK, LK), 2), ((DL, NT), 2),
    ]),
    // I 55, A 18 → indifferent
    profile(RESEARCH, "SP-ROADMAP", 30, Some(2), &[
        ((NT, NT), 38), ((LW, LW), 8), ((MB, NT), 5), ((NT, LW), 4), ((LK, NT), 15), ((LK, LW), 3), ((LK, DL), 8),
        ((MB, DL), 6), ((NT, DL), 4), ((DL, NT), 5), ((DL, DL), 4),
    ]),
    // A 52, I 19, O 18
    profile(RESEARCH, "DS-SSO", 38, Some(3), &[
        ((LK, NT), 32), ((LK, LW), 14), ((LK, MB), 6), ((LK, DL), 18), ((MB, DL), 5), ((NT, DL), 3), ((NT, NT), 16),
        ((LW, LW), 3), ((LK, LK), 2), ((DL, NT), 1),
    ]),
    // A 56, I 22, O 14
    profile(RESEARCH, "UE-SHOWCASE", 27, Some(2), &[
        ((LK, NT), 36), ((LK, LW), 14), ((LK, MB), 6), ((LK, DL), 14), ((NT, DL), 4), ((NT, NT), 18), ((LW, LW), 4),
        ((DL, NT), 2), ((LK, LK), 2),
    ]),
    // Administration & Finance
    // M 60, O 22, I 10
    profile(ADMIN, "HD-CALLBACK", 51, Some(5), &[
        ((MB, DL), 34), ((NT, DL), 16), ((LW, DL), 10), ((LK, DL), 22), ((LK, NT), 4), ((NT, NT), 10), ((LK, LK), 2),
        ((DL, NT), 2),
    ]),
    // M 49, O 27, I 14
    profile(ADMIN, "HD-FIRST-FIX", 50, Some(4), &[
        ((MB, DL), 28), ((NT, DL), 15), ((LW, DL), 6), ((LK, DL), 27), ((LK, NT), 7), ((NT, NT), 11), ((MB, MB), 3),
        ((LK, LK), 2), ((DL, DL), 1),
    ]),
    // M 52, O 21, I 14
    profile(ADMIN, "HD-STATUS-UPDATES", 48, Some(4), &[
        ((MB, DL), 30), ((NT, DL), 14), ((LW, DL), 8), ((LK, DL), 21), ((LK, NT), 8), ((LK, LW), 2), ((NT, NT), 12),
        ((LW, LW), 2), ((DL, NT), 2), ((LK, LK), 1),
    ]),
    // M 62, O 24, I 9
    profile(ADMIN, "ID-UPTIME", 52, Some(5), &[
        ((MB, DL), 38), ((NT, DL), 15), ((LW, DL), 9), ((LK, DL), 24), ((LK, NT), 3), ((NT, NT), 8), ((MB, MB), 1),
        ((DL, DL), 1), ((DL, NT), 1),
    ]),
    // O 46, M 19, I 16, A 15
    profile(ADMIN, "ID-CHANGE-NOTICE", 45, Some(3), &[
        ((LK, DL), 46), ((MB, DL), 13), ((NT, DL), 6), ((LK, NT), 12), ((LK, LW), 3), ((NT, NT), 14), ((MB, NT), 2),
        ((LK, LK), 2), ((NT, LK), 2),
    ]),
    // O 50, M 17, I 16, A 14
    profile(ADMIN, "RC-SIGNOFF", 40, Some(4), &[
        ((LK, DL), 50), ((MB, DL), 12), ((NT, DL), 5), ((LK, NT), 12), ((LK, MB), 2), ((NT, NT), 13), ((LW, LW), 3),
        ((DL, DL), 2), ((DL, NT), 1),
    ]),
    // close: O 37, M 34 → basic
    profile(ADMIN, "RC-REQUEST-ACK", 44, Some(4), &[
        ((LK, DL), 37), ((MB, DL), 20), ((NT, DL), 10), ((LW, DL), 4), ((LK, NT), 9), ((LK, LW), 3), ((NT, NT), 11),
        ((MB, MB), 2), ((LK, LK), 2), ((DL, NT), 2),
    ]),
    // O 49, M 17, A 16, I 14
    profile(ADMIN, "TR-SATISFACTION", 46, Some(4), &[
        ((LK, DL), 49), ((MB, DL), 11), ((NT, DL), 6), ((LK, NT), 13), ((LK, LW), 3), ((NT, NT), 12), ((LW, NT), 2),
        ((DL, DL), 2), ((LK, LK), 1), ((NT, LK), 1),
    ]),
    // O 45, M 20, I 17, A 14
    profile(ADMIN, "TR-ONBOARD", 43, Some(3), &[
        ((LK, DL), 45), ((MB, DL), 14), ((NT, DL), 6), ((LK, NT), 11), ((LK, LW), 3), ((NT, NT), 15), ((MB, MB), 2),
        ((LK, LK), 2), ((DL, NT), 2),
    ]),
    // M 51, O 23, I 15
    profile(ADMIN, "UR-COMPLAINTS", 42, Some(4), &[
        ((MB, DL), 28), ((NT, DL), 16), ((LW, DL), 7), ((LK, DL), 23), ((LK, NT), 8), ((NT, NT), 13), ((LW, LW), 2),
        ((LK, LK), 1), ((DL, NT), 2),
    ]),
    // A 52, I 22, O 14
    profile(ADMIN, "UR-STATS", 38, Some(2), &[
        ((LK, NT), 33), ((LK, LW), 13), ((LK, MB), 6), ((LK, DL), 14), ((MB, DL), 4), ((NT, DL), 4), ((NT, NT), 18),
        ((LW, LW), 4), ((DL, NT), 2), ((DL, DL), 2),
    ]),
    // O 47, A 17, I 17, M 15
    profile(ADMIN, "SP-PROJECT-STATUS", 36, Some(3), &[
        ((LK, DL), 47), ((MB, DL), 10), ((NT, DL), 5), ((LK, NT), 14), ((LK, LW), 3), ((NT, NT), 15), ((LW, NT), 2),
        ((LK, LK), 2), ((LW, LK), 2),
    ]),
    // A 52, I 20, O 16
    profile(ADMIN, "SP-ROADMAP", 33, Some(3), &[
        ((LK, NT), 34), ((LK, LW), 12), ((LK, MB), 6), ((LK, DL), 16), ((MB, DL), 5), ((NT, DL), 3), ((NT, NT), 17),
        ((MB, MB), 3), ((DL, NT), 2), ((LK, LK), 2),
    ]),
    // O 44, M 20, I 19, A 12
    profile(ADMIN, "UE-SECURITY-AWARENESS", 41, Some(3), &[
        ((LK, DL), 44), ((MB, DL), 14), ((NT, DL), 6), ((LK, NT), 12), ((NT, NT), 16), ((LW, LW), 3), ((DL, NT), 3),
        ((DL, DL), 2),
    ]),
    // I 56, A 18 → indifferent
    profile(ADMIN, "HD-CHAT-247", 47, Some(1), &[
        ((NT, NT), 37), ((LW, LW), 9), ((MB, NT), 5), ((NT, LW), 5), ((LK, NT), 14), ((LK, LW), 4), ((LK, DL), 7),
        ((MB, DL), 5), ((NT, DL), 4), ((DL, NT), 6), ((DL, DL), 2), ((LK, LK), 2),
    ]),
    // O 47, A 19, M 16, I 15
    profile(ADMIN, "DS-SSO", 44, Some(3), &[
        ((LK, DL), 47), ((MB, DL), 11), ((NT, DL), 5), ((LK, NT), 15), ((LK, LW), 4), ((NT, NT), 13), ((LW, LW), 2),
        ((LK, LK), 2), ((NT, LK), 1),
    ]),
    // Campus operations: paper forms without the importance question
    // M 54, O 24, I 13
    profile(OPERATIONS, "HD-CALLBACK", 38, None, &[
        ((MB, DL), 31), ((NT, DL), 15), ((LW, DL), 8), ((LK, DL), 24), ((LK, NT), 6), ((NT, NT), 11), ((MB, MB), 2),
        ((LK, LK), 2), ((DL, NT), 1),
    ]),
    // O 50, M 16, I 16, A 15
    profile(OPERATIONS, "HD-FIRST-FIX", 37, None, &[
        ((LK, DL), 50), ((MB, DL), 10), ((NT, DL), 6), ((LK, NT), 13), ((LK, LW), 2), ((NT, NT), 13), ((LW, LW), 3),
        ((DL, DL), 2), ((DL, NT), 1),
    ]),
    // O 49, A 18, M 17, I 13
    profile(OPERATIONS, "HD-CHAT-247", 40, None, &[
        ((LK, DL), 49), ((MB, DL), 11), ((NT, DL), 6), ((LK, NT), 14), ((LK, LW), 4), ((NT, NT), 11), ((LW, LW), 2),
        ((LK, LK), 2), ((DL, NT), 1),
    ]),
    // A 53, I 21, O 17
    profile(OPERATIONS, "DS-MOBILE-APP", 35, None, &[
        ((LK, NT), 34), ((LK, LW), 14), ((LK, MB), 5), ((LK, DL), 17), ((MB, DL), 4), ((NT, DL), 2), ((NT, NT), 17),
        ((LW, LW), 4), ((DL, NT), 2), ((LK, LK), 1),
    ]),
    // M 55, O 22, I 14
    profile(OPERATIONS, "TR-ONBOARD", 33, None, &[
        ((MB, DL), 31), ((NT, DL), 16), ((LW, DL), 8), ((LK, DL), 22), ((LK, NT), 6), ((NT, NT), 12), ((MB, MB), 2),
        ((DL, NT), 2), ((DL, DL), 1),
    ]),
    // close: A 38, O 33 → satisfier
    profile(OPERATIONS, "TR-SELF-PACED", 31, None, &[
        ((LK, NT), 26), ((LK, LW), 9), ((LK, MB), 3), ((LK, DL), 33), ((MB, DL), 6), ((NT, DL), 4), ((NT, NT), 12),
        ((LW, LW), 3), ((DL, NT), 2), ((LK, LK), 2),
    ]),
    // M 53, O 25, I 14
    profile(OPERATIONS, "ID-UPTIME", 34, None, &[
        ((MB, DL), 32), ((NT, DL), 14), ((LW, DL), 7), ((LK, DL), 25), ((LK, NT), 5), ((NT, NT), 11), ((LW, LW), 3),
        ((DL, DL), 1), ((LK, LK), 1), ((DL, NT), 1),
    ]),
    // A 56, I 23, O 12
    profile(OPERATIONS, "UE-CATALOGUE", 28, None, &[
        ((LK, NT), 37), ((LK, LW), 13), ((LK, MB), 6), ((LK, DL), 12), ((NT, DL), 4), ((NT, NT), 19), ((MB, NT), 4),
        ((DL, NT), 3), ((LK, LK), 2),
    ]),
    // A 55, I 20, O 16
    profile(OPERATIONS, "UR-AMBASSADOR", 30, None, &[
        ((LK, NT), 35), ((LK, LW), 15), ((LK, MB), 5), ((LK, DL), 16), ((MB, DL), 5), ((NT, NT), 17), ((LW, LW), 3),
        ((DL, NT), 2), ((DL, DL), 2),
    ]),
    // I 58, R 15 → indifferent
    profile(OPERATIONS, "ID-PASSWORD-30", 36, None, &[
        ((NT, NT), 38), ((LW, LW), 10), ((MB, NT), 6), ((LW, NT), 4), ((DL, LW), 7), ((DL, NT), 5), ((NT, LK), 3),
        ((MB, DL), 5), ((NT, DL), 4), ((LK, DL), 5), ((LK, NT), 10), ((DL, DL), 3),
    ]),
    // O 46, M 17, A 17, I 16
    profile(OPERATIONS, "DS-SSO", 32, None, &[
        ((LK, DL), 46), ((MB, DL), 12), ((NT, DL), 5), ((LK, NT), 14), ((LK, LW), 3), ((NT, NT), 14), ((LW, LW), 2),
        ((LK, LK), 2), ((DL, NT), 2),
    ]),
    // O 50, M 16, I 16, A 14
    profile(OPERATIONS, "HD-STATUS-UPDATES", 26, None, &[
        ((LK, DL), 50), ((MB, DL), 12), ((NT, DL), 4), ((LK, NT), 12), ((LK, LW), 2), ((NT, NT), 14), ((LW, LW), 2),
        ((LK, LK), 2), ((DL, NT), 2),
    ]),
];

// The second wave (2027), importance not asked, fresh respondent ids. Faculty's DS-SSO fades
// from delighter to satisfier (single sign-on arrived and is now expected); DS-LMS-INTEGRATION
// stays a satisfier for faculty and a basic need for students, so the two segments disagree in
// this wave too; the rest keep their category.
#[rustfmt::skip]
static SECOND_WAVE_PROFILES: [DemoAnswerProfile; 5] = [
    // O 50, A 18, I 16, M 14 (was A 50, I 22, O 17): a fading delighter
    profile(FACULTY, "DS-SSO", 50, None, &[
        ((LK, DL), 50), ((LK, NT), 12), ((LK, LW), 4), ((LK, MB), 2), ((MB, DL), 8), ((NT, DL), 6), ((NT, NT), 13),
        ((LW, LW), 3), ((LK, LK), 2),
    ]),
    // O 52, I 16, M 15, A 14, as in 2026
    profile(FACULTY, "DS-LMS-INTEGRATION", 48, None, &[
        ((LK, DL), 52), ((MB, DL), 8), ((NT, DL), 7), ((LK, NT), 12), ((LK, MB), 2), ((NT, NT), 13), ((MB, NT), 3),
        ((LK, LK), 2), ((DL, DL), 1),
    ]),
    // M 49, O 24, I 15, as in 2026
    profile(STUDENTS, "DS-LMS-INTEGRATION", 55, None, &[
        ((MB, DL), 29), ((NT, DL), 14), ((LW, DL), 6), ((LK, DL), 24), ((LK, NT), 8), ((LK, LW), 2), ((NT, NT), 12),
        ((MB, NT), 3), ((LK, LK), 1), ((NT, LK), 1),
    ]),
    // A 60, O 16, I 15: still a delighter
    profile(STUDENTS, "HD-CHAT-247", 57, None, &[
        ((LK, NT), 38), ((LK, LW), 17), ((LK, MB), 5), ((LK, DL), 16), ((NT, DL), 4), ((MB, DL), 2), ((NT, NT), 13),
        ((LW, LW), 2), ((LK, LK), 2), ((DL, NT), 1),
    ]),
    // M 60, O 22, I 10: still a basic need
    profile(ADMIN, "HD-CALLBACK", 49, None, &[
        ((MB, DL), 35), ((NT, DL), 17), ((LW, DL), 8), ((LK, DL), 22), ((LK, NT), 3), ((NT, NT), 8), ((MB, MB), 2),
        ((LK, LK), 3), ((DL, NT), 2),
    ]),
];

const fn measured_at(
    requirement: &'static str,
    segment: Option<&'static str>,
    current_value: f64,
    assessed_on: &'static str,
    assessor: &'static str,
    note: &'static str,
) -> DemoAssessment {
    DemoAssessment {
        requirement,
        segment,
        current_value: Some(current_value),
        fulfilment: None,
        assessed_on,
        assessor,
        note,
    }
}

const fn fulfilled(
    requirement: &'static str,
    segment: Option<&'static str>,
    fulfilment: f64,
    assessed_on: &'static str,
    assessor: &'static str,
    note: &'static str,
) -> DemoAssessment {
    DemoAssessment {
        requirement,
        segment,
        current_value: None,
        fulfilment: Some(fulfilment),
        assessed_on,
        assessor,
        note,
    }
}

static ASSESSMENTS: [DemoAssessment; 43] = [
    // Helpdesk support
    measured_at(
        "HD-CALLBACK",
        None,
        31.0,
        "2026-06-30",
        "Kevin Li",
        "Baseline from the June ticket export: median time from a call being logged to the first call-back.",
    ),
    measured_at(
        "HD-CALLBACK",
        None,
        22.0,
        "2026-10-31",
        "Kevin Li",
        "October median after the new triage rota; 38 % of calls were called back within five minutes.",
    ),
    measured_at(
        "HD-CALLBACK",
        Some(RESEARCH),
        35.0,
        "2026-10-31",
        "Kevin Li",
        "Research tickets go to the research computing queue, which has no call-back rota.",
    ),
    measured_at(
        "HD-CALLBACK",
        Some(ADMIN),
        18.0,
        "2026-10-31",
        "Kevin Li",
        "Best of all segments thanks to the finance hotline; the month-end week pushes the median up.",
    ),
    measured_at(
        "HD-FIRST-FIX",
        None,
        58.0,
        "2026-06-30",
        "Kevin Li",
        "Baseline: share of tickets closed by the first-line agent without reassignment.",
    ),
    measured_at(
        "HD-FIRST-FIX",
        None,
        63.0,
        "2026-10-31",
        "Kevin Li",
        "Up five points since the knowledge base for Wi-Fi and printing went live.",
    ),
    measured_at(
        "HD-CHAT-247",
        None,
        50.0,
        "2026-09-30",
        "Kevin Li",
        "Chat is staffed Monday to Friday, 8:00 to 18:00; outside those hours it offers a ticket form.",
    ),
    measured_at(
        "HD-CLASSROOM-RESPONSE",
        None,
        19.0,
        "2026-10-15",
        "Rachel Adeyemi",
        "Median over the first five teaching weeks; the two AV technicians cover four buildings.",
    ),
    measured_at(
        "HD-STATUS-UPDATES",
        None,
        71.0,
        "2026-10-31",
        "Kevin Li",
        "Tickets waiting on third-party vendors are the ones that go quiet.",
    ),
    measured_at(
        "HD-STATUS-UPDATES",
        Some(ADMIN),
        64.0,
        "2026-10-31",
        "Kevin Li",
        "Finance-system tickets often sit with the vendor for weeks without an update to the user.",
    ),
    // Implementing/deploying solutions
    measured_at(
        "ID-UPTIME",
        None,
        99.62,
        "2026-09-30",
        "Rachel Adeyemi",
        "Rolling twelve months; two learning-platform outages in exam weeks account for most of the downtime.",
    ),
    measured_at(
        "ID-UPTIME",
        None,
        99.93,
        "2026-11-15",
        "Rachel Adeyemi",
        "Rolling three months since the learning platform moved to the hosted service; meets the target.",
    ),
    measured_at(
        "ID-DEPLOY-DAYS",
        None,
        12.0,
        "2026-08-31",
        "Omar Haddad",
        "Median over the summer; most of the wait is for licence keys and packaging.",
    ),
    measured_at(
        "ID-DEPLOY-DAYS",
        None,
        9.0,
        "2026-11-10",
        "Omar Haddad",
        "Self-service software centre now covers the forty most requested packages.",
    ),
    measured_at(
        "ID-DEPLOY-DAYS",
        Some(RESEARCH),
        16.0,
        "2026-11-10",
        "Helen Zhao",
        "Specialist research packages still need manual packaging and a security review.",
    ),
    measured_at(
        "ID-CHANGE-NOTICE",
        None,
        4.0,
        "2026-10-20",
        "Rachel Adeyemi",
        "Median notice for the twelve planned outages since August; three were announced the day before.",
    ),
    fulfilled(
        "ID-TERM-FREEZE",
        None,
        0.6,
        "2026-10-20",
        "Omar Haddad",
        "Freeze observed for the learning platform in week one, but not for the timetabling system or exams.",
    ),
    fulfilled(
        "ID-PASSWORD-30",
        None,
        0.0,
        "2026-10-20",
        "Rachel Adeyemi",
        "Not in place and not planned: passwords change every twelve months, with multi-factor sign-in.",
    ),
    // Developing/acquiring solutions
    measured_at(
        "DS-LMS-INTEGRATION",
        None,
        72.0,
        "2026-09-15",
        "Omar Haddad",
        "Nightly batch, which fails about twice a week and is re-run by hand the next morning.",
    ),
    measured_at(
        "DS-PROCUREMENT-ASSIST",
        None,
        11.0,
        "2026-10-05",
        "Sam Kowalski",
        "Median of nineteen software requests this year; legal review of licence terms is the longest step.",
    ),
    measured_at(
        "DS-HPC-CAPACITY",
        None,
        6.5,
        "2026-10-31",
        "Helen Zhao",
        "October median queue wait; the GPU partition is the bottleneck at 14 hours.",
    ),
    measured_at(
        "DS-SSO",
        None,
        64.0,
        "2026-07-15",
        "Omar Haddad",
        "Twenty-nine of forty-five systems; the rota, work-order and HPC systems still have their own logins.",
    ),
    fulfilled(
        "DS-MOBILE-APP",
        None,
        0.2,
        "2026-09-30",
        "Omar Haddad",
        "The timetable works on phones through the web portal; no app, no grades, no room booking.",
    ),
    // Requirements capture
    measured_at(
        "RC-REQUEST-ACK",
        None,
        23.0,
        "2026-10-12",
        "Sam Kowalski",
        "Requests wait in a shared mailbox until the monthly triage meeting.",
    ),
    measured_at(
        "RC-SIGNOFF",
        None,
        40.0,
        "2026-10-12",
        "Sam Kowalski",
        "Four of the ten projects started in the last year had requirements signed off by their users.",
    ),
    fulfilled(
        "RC-RESEARCH-GRANTS",
        None,
        0.25,
        "2026-09-15",
        "Helen Zhao",
        "Done informally when a PI happens to ask; no process and no costing template.",
    ),
    // User relationships
    measured_at(
        "UR-AMBASSADOR",
        None,
        35.0,
        "2026-07-01",
        "Dana Whitfield",
        "Before the reorganisation only the large departments had a named contact.",
    ),
    measured_at(
        "UR-AMBASSADOR",
        None,
        100.0,
        "2026-11-02",
        "Dana Whitfield",
        "Every department has a named service ambassador since the October reorganisation.",
    ),
    measured_at(
        "UR-COMPLAINTS",
        None,
        14.0,
        "2026-10-31",
        "Dana Whitfield",
        "Complaint log started in August: 37 complaints so far, 29 resolved.",
    ),
    fulfilled(
        "UR-STATS",
        None,
        0.1,
        "2026-07-01",
        "Dana Whitfield",
        "Statistics go to the IT management team only.",
    ),
    fulfilled(
        "UR-STATS",
        None,
        0.4,
        "2026-11-02",
        "Dana Whitfield",
        "First monthly dashboard published in October; covers the helpdesk only.",
    ),
    // User education
    measured_at(
        "UE-SECURITY-AWARENESS",
        None,
        92.0,
        "2026-10-31",
        "Lena Fischer",
        "The module became mandatory for staff in March; meets the target.",
    ),
    fulfilled(
        "UE-SHOWCASE",
        None,
        0.15,
        "2026-09-24",
        "Lena Fischer",
        "The last showcase was held in 2024; a few faculties get ad-hoc demonstrations.",
    ),
    fulfilled(
        "UE-CATALOGUE",
        None,
        0.5,
        "2026-10-08",
        "Lena Fischer",
        "A catalogue exists on the intranet but is written in IT terms and cannot be searched.",
    ),
    // Strategic planning
    measured_at(
        "SP-PROJECT-STATUS",
        None,
        1.0,
        "2026-08-31",
        "Margaret Osei",
        "Portfolio status is reported once a year, in the annual report to the council.",
    ),
    fulfilled(
        "SP-ROADMAP",
        None,
        0.3,
        "2026-11-02",
        "Margaret Osei",
        "A draft roadmap exists but has not been agreed or published.",
    ),
    fulfilled(
        "SP-STEERING",
        None,
        0.2,
        "2026-11-02",
        "Margaret Osei",
        "The steering committee has one academic member and no student member.",
    ),
    // Training
    measured_at(
        "TR-ONBOARD",
        None,
        78.0,
        "2026-09-30",
        "Lena Fischer",
        "Fresher week: 22 % of new starters waited more than a day for a working account.",
    ),
    measured_at(
        "TR-ONBOARD",
        Some(OPERATIONS),
        55.0,
        "2026-09-30",
        "Alicia Moreno",
        "Shift staff are set up by HR paperwork that reaches IT days after they start.",
    ),
    measured_at(
        "TR-SATISFACTION",
        None,
        71.0,
        "2026-10-31",
        "Lena Fischer",
        "Post-course survey over nine sessions; the finance upgrade training scored lowest.",
    ),
    fulfilled(
        "TR-SELF-PACED",
        None,
        0.35,
        "2026-10-08",
        "Lena Fischer",
        "Twelve videos exist, mostly for the learning platform; none for printing, Wi-Fi or expenses.",
    ),
    fulfilled(
        "TR-SELF-PACED",
        Some(OPERATIONS),
        0.15,
        "2026-10-08",
        "Alicia Moreno",
        "None of the existing videos cover the rota or work-order systems.",
    ),
    fulfilled(
        "TR-TEACHING-TECH",
        None,
        0.45,
        "2026-09-24",
        "Rachel Adeyemi",
        "Walk-throughs are offered for the large lecture theatres only, on request.",
    ),
];

/// The five stakeholder segments.
pub fn segments() -> &'static [DemoSegment] {
    &SEGMENTS
}

/// The requirements, grouped by service area.
pub fn requirements() -> &'static [DemoRequirement] {
    &REQUIREMENTS
}

/// Interviews, focus groups, the survey and the workshop, in date order.
pub fn sessions() -> &'static [DemoSession] {
    &SESSIONS
}

/// Facilitators' Kano judgements from the non-survey sessions.
pub fn findings() -> &'static [DemoFinding] {
    &FINDINGS
}

/// Questionnaire answer profiles, one per (segment, requirement) asked.
pub fn answer_profiles() -> &'static [DemoAnswerProfile] {
    &ANSWER_PROFILES
}

/// The second wave's answer profiles (session [`SECOND_SURVEY_SESSION`]).
pub fn second_wave_profiles() -> &'static [DemoAnswerProfile] {
    &SECOND_WAVE_PROFILES
}

/// Current-capability assessments, older ones superseded by newer ones.
pub fn assessments() -> &'static [DemoAssessment] {
    &ASSESSMENTS
}

/// Fixed seed mixed into every profile's PRNG state, so the answers never change between runs.
const DEMO_SEED: u64 = 0x4B41_4E4F_4741_5026;

/// splitmix64 (Steele, Lea & Flood 2014): small, fast and good enough for demo data.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (`bound` > 0); the modulo bias is irrelevant at these sizes.
    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound.max(1) as u64) as usize
    }
}

/// FNV-1a over the segment and requirement, so each profile has its own stable stream.
fn profile_seed(segment: &str, requirement: &str) -> u64 {
    let mut hash: u64 = 0xCBF2_9CE4_8422_2325;
    for byte in segment.bytes().chain([0xFF]).chain(requirement.bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01B3);
    }
    hash ^ DEMO_SEED
}

/// Respondent id prefix and pool size for a segment. Segments outside the demo get a prefix
/// from their name's first three letters and no more respondents than asked for.
fn respondent_pool(segment: &str, respondents: u32) -> (String, u32) {
    match RESPONDENT_POOLS.iter().find(|(name, _, _)| *name == segment) {
        Some(&(_, prefix, pool)) => (prefix.to_owned(), pool.max(respondents)),
        None => {
            let prefix: String = segment
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .take(3)
                .map(|c| c.to_ascii_uppercase())
                .collect();
            let prefix = if prefix.is_empty() { "R".to_owned() } else { prefix };
            (prefix, respondents)
        }
    }
}

/// The answer pairs a profile's respondents give: `respondents` pairs apportioned to the mix
/// weights by largest remainder (ties to the earlier entry), so every pair appears within one of
/// its exact share. Empty when the mix has no weight.
fn apportion(mix: &[((Answer, Answer), u32)], respondents: u32) -> Vec<(Answer, Answer)> {
    let total: u64 = mix.iter().map(|&(_, w)| u64::from(w)).sum();
    if total == 0 {
        return Vec::new();
    }
    let n = u64::from(respondents);
    let mut counts: Vec<u64> = mix.iter().map(|&(_, w)| n * u64::from(w) / total).collect();
    let mut order: Vec<usize> = (0..mix.len()).collect();
    // Stable sort: equal remainders keep the mix order.
    order.sort_by_key(|&i| std::cmp::Reverse(n * u64::from(mix[i].1) % total));
    let assigned: u64 = counts.iter().sum();
    for &i in order.iter().take((n - assigned) as usize) {
        counts[i] += 1;
    }
    mix.iter()
        .zip(counts)
        .flat_map(|(&(pair, _), count)| std::iter::repeat_n(pair, count as usize))
        .collect()
}

/// Deterministic answers for one profile: (respondent id, functional, dysfunctional, importance).
///
/// Respondent ids are the segment prefix and a number from the segment's survey pool
/// (e.g. "FAC-017"), a different subset per requirement since people skipped questions, unique
/// within the profile. The answer pairs follow the mix weights exactly (largest-remainder
/// apportionment, so the designed classifications and close calls hold) and are dealt to the
/// respondents in an order shuffled by a fixed-seed splitmix64 PRNG. Importance is the profile's
/// ±1 (a quarter each way), clamped to 1..=5; None when the profile did not ask it.
pub fn answers(profile: &DemoAnswerProfile) -> Vec<(String, Answer, Answer, Option<i32>)> {
    answers_in_wave(profile, 1)
}

/// [`answers`] of a later survey wave: respondent ids carry the wave ("FAC-W2-017": a
/// respondent answers a requirement once per wave) and the shuffle its own seed.
pub fn answers_in_wave(profile: &DemoAnswerProfile, wave: u32) -> Vec<(String, Answer, Answer, Option<i32>)> {
    let mut pairs = apportion(profile.mix, profile.respondents);
    let (mut prefix, pool) = respondent_pool(profile.segment, profile.respondents);
    if wave > 1 {
        prefix = format!("{prefix}-W{wave}");
    }
    let seed = profile_seed(profile.segment, profile.requirement) ^ u64::from(wave.saturating_sub(1)).rotate_left(32);
    let mut rng = SplitMix64(seed);

    // Partial Fisher–Yates: the first `pairs.len()` of the pool, in ascending id order.
    let mut ids: Vec<u32> = (1..=pool).collect();
    let take = pairs.len().min(ids.len());
    for i in 0..take {
        let j = i + rng.below(ids.len() - i);
        ids.swap(i, j);
    }
    ids.truncate(take);
    ids.sort_unstable();

    // Fisher–Yates over the answer pairs.
    for i in (1..pairs.len()).rev() {
        let j = rng.below(i + 1);
        pairs.swap(i, j);
    }

    let width = pool.to_string().len().max(3);
    ids.into_iter()
        .zip(pairs)
        .map(|(id, (functional, dysfunctional))| {
            let importance = profile.importance.map(|typical| {
                let jitter = match rng.below(4) {
                    0 => -1,
                    3 => 1,
                    _ => 0,
                };
                (typical + jitter).clamp(1, 5)
            });
            (format!("{prefix}-{id:0width$}"), functional, dysfunctional, importance)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{HashMap, HashSet};

    const SERVICE_AREAS: [&str; 8] = [SP, RC, UR, UE, DS, ID, TR, HD];

    fn valid_date(s: &str) -> bool {
        let parts: Vec<&str> = s.split('-').collect();
        let [y, m, d] = parts.as_slice() else {
            return false;
        };
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return false;
        }
        let (Ok(y), Ok(m), Ok(d)) = (y.parse::<u32>(), m.parse::<u32>(), d.parse::<u32>()) else {
            return false;
        };
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        let days = match m {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return false,
        };
        (1..=days).contains(&d)
    }

    fn segment_names() -> HashSet<&'static str> {
        segments().iter().map(|s| s.name).collect()
    }

    fn requirement(key: &str) -> Option<&'static DemoRequirement> {
        requirements().iter().find(|r| r.key == key)
    }

    fn tally_of(profile: &DemoAnswerProfile, wave: u32) -> crate::domain::kano::Tally {
        let mut t = crate::domain::kano::Tally::default();
        for (_, f, d, _) in answers_in_wave(profile, wave) {
            t.add_cell(f, d, 1);
        }
        t
    }

    #[test]
    fn second_wave_tells_its_story() {
        use crate::domain::kano::KanoCategory;
        use crate::domain::kano_waves::{contested, transitions, DEFAULT_MIN_SAMPLE};
        use std::collections::BTreeMap;
        let first = |seg: &str, req: &str| {
            answer_profiles()
                .iter()
                .find(|p| p.segment == seg && p.requirement == req)
                .unwrap_or_else(|| panic!("{seg} {req} in the first wave"))
        };
        // Every second-wave profile was asked in the first wave too, so it has a move.
        let ids: HashMap<&str, i32> = requirements().iter().zip(1..).map(|(r, i)| (r.key, i)).collect();
        let mut before = BTreeMap::new();
        let mut after = BTreeMap::new();
        for p in second_wave_profiles().iter().filter(|p| p.segment == FACULTY) {
            before.insert(ids[p.requirement], tally_of(first(p.segment, p.requirement), 1));
            after.insert(ids[p.requirement], tally_of(p, 2));
        }
        let t = transitions(&before, &after);
        assert_eq!(t.fading_delighters, vec![ids["DS-SSO"]], "{t:?}");
        assert_eq!(t.matrix.get(KanoCategory::A, KanoCategory::O), 1);
        assert_eq!(t.matrix.get(KanoCategory::O, KanoCategory::O), 1);
        assert!(t.moved.iter().all(|m| m.significant), "{t:?}");
        // Faculty and students disagree on DS-LMS-INTEGRATION in the second wave.
        let lms: Vec<_> = second_wave_profiles()
            .iter()
            .filter(|p| p.requirement == "DS-LMS-INTEGRATION")
            .map(|p| tally_of(p, 2))
            .collect();
        assert_eq!(lms.len(), 2);
        let lms: Vec<_> = lms.iter().map(crate::domain::kano::classify).collect();
        assert!(contested(&lms, DEFAULT_MIN_SAMPLE).is_some_and(|p| p < 0.05));
        // Fresh respondents: none answers twice in a wave, ids differ from the first wave's.
        for p in second_wave_profiles() {
            let ids: HashSet<String> = answers_in_wave(p, 2).into_iter().map(|(id, ..)| id).collect();
            assert_eq!(ids.len() as u32, p.respondents);
            assert!(ids.iter().all(|id| id.contains("-W2-")), "{ids:?}");
            assert_eq!(p.importance, None);
        }
    }

    #[test]
    fn date_check_works() {
        assert!(valid_date("2026-02-28"));
        assert!(valid_date("2028-02-29"));
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "2026-9-01",
            "26-09-01",
            "2026-09-31",
            "2026/09/01",
            "",
        ] {
            assert!(!valid_date(bad), "{bad}");
        }
    }

    #[test]
    fn totals_are_in_range() {
        assert_eq!(segments().len(), 5);
        assert!((28..=32).contains(&requirements().len()));
        assert!((6..=9).contains(&sessions().len()));
        assert!((40..=60).contains(&findings().len()));
        assert!((60..=80).contains(&answer_profiles().len()));
        assert!((30..=45).contains(&assessments().len()));
        let answers: u32 = answer_profiles().iter().map(|p| p.respondents).sum();
        assert!((2000..=5000).contains(&answers), "{answers} answers");
        let measurable = requirements().iter().filter(|r| r.target.is_some()).count();
        let share = measurable as f64 / requirements().len() as f64;
        assert!((0.55..=0.75).contains(&share), "{measurable} measurable");
    }

    #[test]
    fn segments_are_consistent() {
        assert_eq!(segment_names().len(), segments().len(), "names unique");
        for s in segments() {
            assert!(!s.name.trim().is_empty() && s.name.len() <= 100);
            assert!(!s.description.is_empty() && !s.ambassador.is_empty());
            assert!(s.headcount > 0, "{}", s.name);
            assert!((0.5..=2.0).contains(&s.weight), "{}", s.name);
            assert!(
                RESPONDENT_POOLS.iter().any(|(name, _, _)| *name == s.name),
                "{}",
                s.name
            );
        }
        let prefixes: HashSet<&str> = RESPONDENT_POOLS.iter().map(|(_, p, _)| *p).collect();
        assert_eq!(prefixes.len(), RESPONDENT_POOLS.len());
    }

    #[test]
    fn requirements_are_consistent() {
        let mut keys = HashSet::new();
        for r in requirements() {
            assert!(keys.insert(r.key), "duplicate key {}", r.key);
            let bytes = r.key.as_bytes();
            assert!((2..=32).contains(&bytes.len()), "{}", r.key);
            assert!(bytes[0].is_ascii_uppercase() || bytes[0].is_ascii_digit(), "{}", r.key);
            assert!(
                bytes
                    .iter()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'-'),
                "{}",
                r.key
            );
            assert!(SERVICE_AREAS.contains(&r.service_area), "{}: {}", r.key, r.service_area);
            assert!(!r.title.is_empty() && r.title.len() <= 200, "{}", r.key);
            assert!(!r.description.is_empty() && r.description.len() <= 4000, "{}", r.key);
            let parts = [
                r.metric.is_some(),
                r.unit.is_some(),
                r.direction.is_some(),
                r.target.is_some(),
            ];
            assert!(
                parts.iter().all(|&p| p) || parts.iter().all(|&p| !p),
                "{}: partial measure",
                r.key
            );
            if let Some(target) = r.target {
                assert!(target.is_finite() && target >= 0.0, "{}", r.key);
            }
            assert!(r.unit.is_none_or(|u| u.len() <= 50), "{}", r.key);
        }
        for area in SERVICE_AREAS {
            assert!(
                requirements().iter().any(|r| r.service_area == area),
                "no requirement in {area}"
            );
        }
    }

    #[test]
    fn call_back_requirement_is_as_in_the_seed() {
        let r = requirement("HD-CALLBACK").expect("HD-CALLBACK present");
        assert_eq!(r.title, "Initial call-back within five minutes");
        assert_eq!(r.service_area, "Helpdesk support");
        assert_eq!(r.metric, Some("minutes to first call-back"));
        assert_eq!(r.unit, Some("min"));
        assert_eq!(r.direction, Some(Direction::LowerIsBetter));
        assert_eq!(r.target, Some(5.0));
    }

    #[test]
    fn sessions_are_consistent() {
        let names = segment_names();
        let titles: HashSet<&str> = sessions().iter().map(|s| s.title).collect();
        assert_eq!(titles.len(), sessions().len(), "titles unique");
        for s in sessions() {
            assert!(valid_date(s.held_on), "{}", s.title);
            if s.title == SECOND_SURVEY_SESSION {
                assert_eq!(s.held_on, "2027-10-18", "a year after the first wave");
            } else {
                assert!(("2026-09-01"..="2026-11-30").contains(&s.held_on), "{}", s.title);
            }
            assert!(!s.segments.is_empty() && !s.facilitator.is_empty() && !s.notes.is_empty());
            let unique: HashSet<&str> = s.segments.iter().copied().collect();
            assert_eq!(unique.len(), s.segments.len(), "{}", s.title);
            assert!(s.segments.iter().all(|seg| names.contains(seg)), "{}", s.title);
            match s.kind {
                SessionKind::Interview => assert_eq!(s.segments.len(), 1, "{}", s.title),
                SessionKind::FocusGroup => assert!(s.segments.len() <= 2, "{}", s.title),
                SessionKind::Survey | SessionKind::Workshop => {}
            }
        }
        let survey = sessions()
            .iter()
            .find(|s| s.title == SURVEY_SESSION)
            .expect("survey session");
        assert_eq!(survey.kind, SessionKind::Survey);
        assert_eq!(survey.segments.len(), segments().len());
        assert_eq!(sessions().iter().filter(|s| s.kind == SessionKind::Survey).count(), 2);
        let dates: Vec<&str> = sessions().iter().map(|s| s.held_on).collect();
        assert!(dates.windows(2).all(|w| w[0] <= w[1]), "in date order");
        assert!(sessions().iter().any(|s| s.kind == SessionKind::Workshop));
    }

    #[test]
    fn findings_are_consistent() {
        for f in findings() {
            let session = sessions().iter().find(|s| s.title == f.session);
            let session = session.unwrap_or_else(|| panic!("unknown session {}", f.session));
            assert_ne!(session.kind, SessionKind::Survey, "{}", f.note);
            assert!(
                session.segments.contains(&f.segment),
                "{} not in {}",
                f.segment,
                f.session
            );
            assert!(
                requirement(f.requirement).is_some(),
                "unknown requirement {}",
                f.requirement
            );
            assert!((1..=5).contains(&f.importance), "{}", f.note);
            assert!(!f.note.is_empty() && f.note.len() <= 4000);
        }
        let triples: HashSet<_> = findings()
            .iter()
            .map(|f| (f.session, f.segment, f.requirement))
            .collect();
        assert_eq!(
            triples.len(),
            findings().len(),
            "one finding per session, segment and requirement"
        );
    }

    #[test]
    fn answer_profiles_are_consistent() {
        let names = segment_names();
        let mut pairs = HashSet::new();
        for p in answer_profiles() {
            assert!(names.contains(p.segment), "unknown segment {}", p.segment);
            assert!(
                requirement(p.requirement).is_some(),
                "unknown requirement {}",
                p.requirement
            );
            assert!(
                pairs.insert((p.segment, p.requirement)),
                "duplicate {} {}",
                p.segment,
                p.requirement
            );
            assert!((25..=60).contains(&p.respondents), "{} {}", p.segment, p.requirement);
            assert!(
                p.mix.iter().map(|&(_, w)| w).sum::<u32>() > 0,
                "{} {}",
                p.segment,
                p.requirement
            );
            let cells: HashSet<_> = p.mix.iter().map(|&(pair, _)| pair).collect();
            assert_eq!(
                cells.len(),
                p.mix.len(),
                "{} {}: repeated cell",
                p.segment,
                p.requirement
            );
            assert!(p.importance.is_none_or(|i| (1..=5).contains(&i)));
            let pool = RESPONDENT_POOLS
                .iter()
                .find(|(name, _, _)| *name == p.segment)
                .map(|&(_, _, n)| n);
            assert!(
                pool.is_some_and(|n| p.respondents <= n),
                "{} {}",
                p.segment,
                p.requirement
            );
        }
        for s in segments() {
            assert!(
                answer_profiles().iter().any(|p| p.segment == s.name),
                "{} not surveyed",
                s.name
            );
        }
    }

    #[test]
    fn answers_are_deterministic_unique_and_follow_the_mix() {
        let mut total = 0;
        for p in answer_profiles() {
            let first = answers(p);
            assert_eq!(first, answers(p), "{} {}", p.segment, p.requirement);
            assert_eq!(first.len(), p.respondents as usize);
            total += first.len();

            let ids: HashSet<&str> = first.iter().map(|(id, ..)| id.as_str()).collect();
            assert_eq!(
                ids.len(),
                first.len(),
                "{} {}: repeated respondent",
                p.segment,
                p.requirement
            );
            let prefix = RESPONDENT_POOLS
                .iter()
                .find(|(name, _, _)| *name == p.segment)
                .map(|&(_, pre, _)| pre);
            let prefix = format!("{}-", prefix.unwrap_or_default());
            assert!(first
                .iter()
                .all(|(id, ..)| id.starts_with(&prefix) && id.len() == prefix.len() + 3));

            let mut counts: HashMap<(Answer, Answer), u32> = HashMap::new();
            for (_, f, d, _) in &first {
                *counts.entry((*f, *d)).or_default() += 1;
            }
            let weight: u32 = p.mix.iter().map(|&(_, w)| w).sum();
            for &(pair, w) in p.mix {
                let expected = f64::from(p.respondents) * f64::from(w) / f64::from(weight);
                let got = f64::from(counts.get(&pair).copied().unwrap_or(0));
                assert!(
                    (got - expected).abs() < 1.0,
                    "{} {} {pair:?}: {got} vs {expected}",
                    p.segment,
                    p.requirement
                );
            }
            assert!(counts.keys().all(|pair| p.mix.iter().any(|&(cell, _)| cell == *pair)));

            for (_, _, _, importance) in &first {
                match (p.importance, importance) {
                    (None, None) => {}
                    (Some(typical), Some(i)) => {
                        assert!(
                            (1..=5).contains(i) && (i - typical).abs() <= 1,
                            "{} {}",
                            p.segment,
                            p.requirement
                        )
                    }
                    _ => panic!("{} {}: importance asked inconsistently", p.segment, p.requirement),
                }
            }
        }
        assert_eq!(
            total as u32,
            answer_profiles().iter().map(|p| p.respondents).sum::<u32>()
        );
    }

    #[test]
    fn answers_vary_between_profiles_and_survive_odd_input() {
        let profiles = answer_profiles();
        let a: Vec<String> = answers(&profiles[0]).into_iter().map(|(id, ..)| id).collect();
        let b: Vec<String> = answers(&profiles[1]).into_iter().map(|(id, ..)| id).collect();
        assert_ne!(a, b, "each profile draws its own respondents");

        let empty = DemoAnswerProfile {
            segment: "Alumni",
            requirement: "X1",
            respondents: 10,
            mix: &[],
            importance: None,
        };
        assert!(answers(&empty).is_empty());
        let zero = DemoAnswerProfile {
            mix: &[((LK, DL), 0)],
            ..empty
        };
        assert!(answers(&zero).is_empty());
        let odd = DemoAnswerProfile {
            segment: "",
            mix: &[((LK, DL), 1)],
            importance: Some(9),
            ..empty
        };
        let rows = answers(&odd);
        assert_eq!(rows.len(), 10);
        assert!(rows.iter().all(|(id, _, _, i)| id.starts_with("R-") && *i == Some(5)));
        let many = DemoAnswerProfile {
            segment: FACULTY,
            respondents: 1200,
            mix: &[((NT, NT), 1)],
            ..empty
        };
        let ids: HashSet<String> = answers(&many).into_iter().map(|(id, ..)| id).collect();
        assert_eq!(ids.len(), 1200);
        assert!(ids.contains("FAC-1200"));
    }

    #[test]
    fn assessments_are_consistent() {
        let names = segment_names();
        let mut seen = HashSet::new();
        for a in assessments() {
            let r = requirement(a.requirement).unwrap_or_else(|| panic!("unknown requirement {}", a.requirement));
            assert!(a.segment.is_none_or(|s| names.contains(s)), "{}", a.requirement);
            assert!(valid_date(a.assessed_on), "{}", a.requirement);
            assert!(
                ("2026-06-01"..="2026-11-30").contains(&a.assessed_on),
                "{}",
                a.requirement
            );
            assert!(!a.assessor.is_empty() && !a.note.is_empty());
            match (a.current_value, a.fulfilment) {
                (Some(v), None) => {
                    assert!(r.target.is_some(), "{}: current value without a target", a.requirement);
                    assert!(v.is_finite() && v >= 0.0, "{}", a.requirement);
                }
                (None, Some(f)) => assert!((0.0..=1.0).contains(&f), "{}", a.requirement),
                _ => panic!("{}: give exactly one of current_value and fulfilment", a.requirement),
            }
            assert!(
                seen.insert((a.requirement, a.segment, a.assessed_on)),
                "{} assessed twice",
                a.requirement
            );
        }
        let measurable = requirements().iter().filter(|r| r.target.is_some());
        let assessed = measurable
            .filter(|r| {
                assessments()
                    .iter()
                    .any(|a| a.requirement == r.key && a.current_value.is_some())
            })
            .count();
        assert!(assessed * 4 >= requirements().iter().filter(|r| r.target.is_some()).count() * 3);
    }
}
