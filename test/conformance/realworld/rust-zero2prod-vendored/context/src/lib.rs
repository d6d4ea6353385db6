//! zero2prod: a newsletter API (its health check and subscriptions), on std::net.
pub mod configuration;
pub mod startup;
