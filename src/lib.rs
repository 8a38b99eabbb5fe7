//! Tandem: a self-hosted chat-ops bot that runs a product team's agile rituals.
//!
//! See ARCHITECTURE.md for the map. In short: `core` decides, `service` applies decisions
//! to the `store` in transactions, `outbox` delivers, `webchat`, `slack` and `discord`
//! translate, `http` routes.

pub mod app;
pub mod clock;
pub mod config;
pub mod core;
pub mod demo;
pub mod discord;
pub mod doors;
pub mod http;
pub mod metrics;
pub mod outbox;
pub mod render;
pub mod secret;
pub mod service;
pub mod slack;
pub mod store;
pub mod web;
pub mod webchat;
