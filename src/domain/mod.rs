//! The functional core: the words of the method and the rules over them. Pure functions over
//! plain values; no I/O and no framework types, so it is tested like a library.

pub mod business_time;
pub mod classification;
pub mod complaint_stats;
pub mod gap;
pub mod halves;
pub mod improvement;
pub mod kano;
pub mod kano_waves;
pub mod satisfaction;
pub mod service_levels;
pub mod sla;
pub mod stats;
pub mod terms;
