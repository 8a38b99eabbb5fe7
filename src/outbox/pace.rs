//! Pacing sends to a chat platform: one message per second per channel (Slack asks it;
//! Discord allows 5 per 5 s), an even spread of `messages_per_minute` per workspace (or
//! bot), and a pause for everyone after a 429 until its `Retry-After` has passed. Pacing
//! is about real time (the platform's clock), so it sleeps on tokio's timer; what to send
//! and when it was due stays on the injected clock.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The gap between two messages to one channel.
pub const PER_CHANNEL: Duration = Duration::from_secs(1);

#[derive(Debug)]
pub struct Pacer {
    gap: Duration,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// Per workspace: when it may send next, and when it is paused until (429).
    next_send: HashMap<String, Instant>,
    paused_until: HashMap<String, Instant>,
    /// Per (workspace, channel): when the channel may get its next message.
    channel_next: HashMap<(String, String), Instant>,
}

impl Pacer {
    pub fn new(messages_per_minute: u32) -> Pacer {
        let gap = Duration::from_secs(60) / messages_per_minute.max(1);
        Pacer { gap, state: Mutex::new(State::default()) }
    }

    /// Reserve the next slot for a call to `workspace` (and a message to `channel`, for
    /// methods limited per channel) and wait for it.
    /// Calls sent side by side (one per channel) may be waiting when a 429 comes back:
    /// each looks at the pause again after its wait, and books a new slot after it.
    pub async fn wait_turn(&self, workspace: &str, channel: Option<&str>) {
        loop {
            let at = self.reserve(workspace, channel, Instant::now());
            tokio::time::sleep_until(at.into()).await;
            if !self.paused_at(workspace, Instant::now()) {
                return;
            }
        }
    }

    /// Whether a 429's pause still holds `workspace` at `now`.
    fn paused_at(&self, workspace: &str, now: Instant) -> bool {
        let s = self.state.lock().expect("pacer lock");
        s.paused_until.get(workspace).is_some_and(|p| *p > now)
    }

    /// When the call may go, from `now`; books that slot.
    fn reserve(&self, workspace: &str, channel: Option<&str>, now: Instant) -> Instant {
        let mut s = self.state.lock().expect("pacer lock");
        let mut at = now;
        if let Some(p) = s.paused_until.get(workspace) {
            at = at.max(*p);
        }
        if let Some(n) = s.next_send.get(workspace) {
            at = at.max(*n);
        }
        if let Some(ch) = channel {
            let key = (workspace.to_string(), ch.to_string());
            if let Some(n) = s.channel_next.get(&key) {
                at = at.max(*n);
            }
            s.channel_next.insert(key, at + PER_CHANNEL);
        }
        s.next_send.insert(workspace.to_string(), at + self.gap);
        if s.channel_next.len() > 10_000 {
            s.channel_next.retain(|_, t| *t > now);
        }
        at
    }

    /// Slack said 429: nothing more goes to `workspace` for `retry_after`.
    pub fn pause(&self, workspace: &str, retry_after: Duration) {
        let until = Instant::now() + retry_after;
        let mut s = self.state.lock().expect("pacer lock");
        let p = s.paused_until.entry(workspace.to_string()).or_insert(until);
        *p = (*p).max(until);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_channel_gets_a_message_a_second_while_others_follow_the_workspace_pace() {
        let p = Pacer::new(600); // 100 ms apart
        let t0 = Instant::now();
        let a1 = p.reserve("T1", Some("C1"), t0);
        let a2 = p.reserve("T1", Some("C1"), t0);
        let b1 = p.reserve("T1", Some("C2"), t0);
        assert_eq!(a1, t0);
        assert_eq!(a2 - t0, Duration::from_secs(1));
        assert_eq!(b1 - t0, Duration::from_millis(1100), "after the slot a2 booked");
        let other = p.reserve("T2", Some("C1"), t0);
        assert!(!p.paused_at("T1", t0));
        assert_eq!(other, t0, "another workspace is paced on its own");
    }

    #[test]
    fn a_pause_holds_every_send_of_that_workspace() {
        let p = Pacer::new(60_000);
        p.pause("T1", Duration::from_secs(30));
        let t0 = Instant::now();
        assert!(p.reserve("T1", None, t0) >= t0 + Duration::from_secs(29));
        assert_eq!(p.reserve("T2", None, t0), t0);
        assert!(p.paused_at("T1", t0) && !p.paused_at("T2", t0));
    }

    /// Pacing is about real time (the platform's), so this waits a real 300 ms; only a
    /// lower bound is asserted.
    #[tokio::test]
    async fn a_call_booked_before_a_pause_waits_for_the_pause_to_end() {
        let p = std::sync::Arc::new(Pacer::new(600)); // 100 ms apart
        let t0 = tokio::time::Instant::now();
        p.wait_turn("T1", Some("C1")).await; // goes at once
        let second = tokio::spawn({
            let p = p.clone();
            async move {
                p.wait_turn("T1", Some("C2")).await; // booked for t0 + 100 ms
                tokio::time::Instant::now()
            }
        });
        tokio::task::yield_now().await;
        p.pause("T1", Duration::from_millis(300)); // the first call's answer: 429
        let went = second.await.expect("the second call");
        assert!(went - t0 >= Duration::from_millis(300), "went {:?} after the start", went - t0);
    }
}
