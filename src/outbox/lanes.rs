//! Lanes: the claimed items split by where they go, so that different channels are
//! delivered at the same time while one channel gets its messages one after another, in
//! the order they were written.
//!
//! A post goes in the lane of its conversation (a team channel, or a member's DM: an
//! answer seen by one member in a channel shares the channel's lane). An edit or a delete
//! follows the post it changes when that post is in the same claim, and so does a thread
//! reply; an edit of a message delivered earlier has a lane of its own, per message.

use crate::core::{Conversation, Effect, Target};
use crate::store::outbox::Item;
use std::collections::HashMap;

/// Where an item's turn is kept.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Lane {
    Channel { team_id: i64, channel_id: i64 },
    Dm { team_id: i64, member_id: i64 },
    Message { team_id: i64, key: String },
}

fn conversation_lane(team_id: i64, target: &Target) -> Lane {
    match *target {
        Target::Channel { channel_id }
        | Target::Ephemeral { conversation: Conversation::Channel { channel_id }, .. } => {
            Lane::Channel { team_id, channel_id }
        }
        Target::Dm { member_id } | Target::Ephemeral { member_id, conversation: Conversation::Dm { .. } } => {
            Lane::Dm { team_id, member_id }
        }
    }
}

/// The items split into lanes: each lane in id order, the lanes in the order of their
/// first item.
pub fn split(mut items: Vec<Item>) -> Vec<Vec<Item>> {
    items.sort_by_key(|i| i.id);
    let mut lane_of_key: HashMap<(i64, String), Lane> = HashMap::new();
    let mut index: HashMap<Lane, usize> = HashMap::new();
    let mut lanes: Vec<Vec<Item>> = Vec::new();
    for item in items {
        let follows = |key: &str| lane_of_key.get(&(item.team_id, key.to_string())).cloned();
        let lane = match &item.effect {
            Effect::Post { target, message, .. } => message
                .thread_of
                .as_deref()
                .and_then(follows)
                .unwrap_or_else(|| conversation_lane(item.team_id, target)),
            Effect::Update { key, .. } | Effect::Delete { key } => {
                follows(key).unwrap_or_else(|| Lane::Message { team_id: item.team_id, key: key.clone() })
            }
        };
        if let Effect::Post { key: Some(key), .. } = &item.effect {
            lane_of_key.insert((item.team_id, key.clone()), lane.clone());
        }
        match index.get(&lane) {
            Some(&i) => lanes[i].push(item),
            None => {
                index.insert(lane, lanes.len());
                lanes.push(vec![item]);
            }
        }
    }
    lanes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{Locale, Message};
    use chrono::Utc;

    fn text(t: &str) -> Message {
        Message::new("t", serde_json::json!({ "t": t }), Locale::En)
    }

    fn item(id: i64, effect: Effect) -> Item {
        Item { id, team_id: 1, effect, attempts: 0, created_at: Utc::now(), reply_to: None }
    }

    fn ids(lanes: &[Vec<Item>]) -> Vec<Vec<i64>> {
        lanes.iter().map(|l| l.iter().map(|i| i.id).collect()).collect()
    }

    #[test]
    fn each_member_and_channel_is_its_own_lane_in_the_order_written() {
        let dm = |m| Target::Dm { member_id: m };
        let lanes = split(vec![
            item(3, Effect::post(dm(7), text("b"))),
            item(1, Effect::post(dm(7), text("a"))),
            item(2, Effect::post(dm(8), text("x"))),
            item(4, Effect::post(Target::Channel { channel_id: 5 }, text("r"))),
        ]);
        assert_eq!(ids(&lanes), vec![vec![1, 3], vec![2], vec![4]]);
    }

    #[test]
    fn an_edit_and_a_thread_reply_wait_for_the_post_they_follow() {
        let board = Effect::post_keyed(Target::Channel { channel_id: 5 }, text("board"), "b1".into());
        let mut reply = text("reply");
        reply.thread_of = Some("b1".into());
        let lanes = split(vec![
            item(1, board),
            item(2, Effect::post(Target::Dm { member_id: 9 }, text("dm"))),
            item(3, Effect::Update { key: "b1".into(), message: text("board 2") }),
            item(4, Effect::post(Target::Dm { member_id: 9 }, reply)),
            item(5, Effect::Update { key: "old".into(), message: text("elsewhere") }),
            item(6, Effect::Delete { key: "old".into() }),
        ]);
        assert_eq!(ids(&lanes), vec![vec![1, 3, 4], vec![2], vec![5, 6]]);
    }

    #[test]
    fn an_answer_seen_by_one_member_in_a_channel_keeps_the_channel_order() {
        let channel = Conversation::Channel { channel_id: 5 };
        let lanes = split(vec![
            item(1, Effect::post(Target::Channel { channel_id: 5 }, text("a"))),
            item(2, Effect::post(Target::Ephemeral { member_id: 3, conversation: channel }, text("b"))),
        ]);
        assert_eq!(ids(&lanes), vec![vec![1, 2]]);
    }
}
