//! What many teams' rituals read about their people at once (a claim of due fires
//! across teams): members, holidays and time off, one query each for all the teams.

use super::team::{MEMBER_COLUMNS, member_from_row, time_off_from_row};
use super::{Conn, ID_CHUNK, checked, id_list, parse_day};
use crate::core::model::{Member, TimeOff};
use chrono::NaiveDate;
use sqlx::Row;
use std::collections::HashMap;

/// The people of some teams, by team and by member.
#[derive(Debug, Default, Clone)]
pub struct Roster {
    members: HashMap<i64, Vec<Member>>,
    holidays: HashMap<i64, Vec<NaiveDate>>,
    time_off: HashMap<i64, Vec<TimeOff>>,
}

impl Roster {
    /// A team's members (not erased), by name; none for a team that was not loaded.
    pub fn members(&self, team_id: i64) -> &[Member] {
        self.members.get(&team_id).map_or(&[], Vec::as_slice)
    }

    pub fn member(&self, team_id: i64, member_id: i64) -> Option<&Member> {
        self.members(team_id).iter().find(|m| m.id == member_id)
    }

    pub fn holidays(&self, team_id: i64) -> &[NaiveDate] {
        self.holidays.get(&team_id).map_or(&[], Vec::as_slice)
    }

    /// A member's time off, oldest first.
    pub fn time_off(&self, member_id: i64) -> &[TimeOff] {
        self.time_off.get(&member_id).map_or(&[], Vec::as_slice)
    }
}

/// Load the roster of `teams` (ids; repeats are fine): three queries per few hundred teams.
pub async fn load(c: &mut Conn, teams: &[i64]) -> anyhow::Result<Roster> {
    let mut teams = teams.to_vec();
    teams.sort_unstable();
    teams.dedup();
    let mut roster = Roster::default();
    for chunk in teams.chunks(ID_CHUNK) {
        let ids = id_list(chunk.iter().copied());
        let sql = format!(
            "SELECT {MEMBER_COLUMNS} FROM members WHERE team_id IN ({ids}) AND erased_at IS NULL ORDER BY team_id, name"
        );
        for r in sqlx::query(checked(sql)).fetch_all(&mut *c).await? {
            let m = member_from_row(&r)?;
            roster.members.entry(m.team_id).or_default().push(m);
        }
        let sql = format!("SELECT team_id, day FROM holidays WHERE team_id IN ({ids}) ORDER BY team_id, day");
        for r in sqlx::query(checked(sql)).fetch_all(&mut *c).await? {
            roster.holidays.entry(r.try_get(0)?).or_default().push(parse_day(&r.try_get::<String, _>(1)?)?);
        }
        let sql = format!(
            "SELECT t.member_id, t.from_day, t.to_day, t.kind FROM time_off t JOIN members m ON m.id = t.member_id \
             WHERE m.team_id IN ({ids}) ORDER BY t.from_day"
        );
        for r in sqlx::query(checked(sql)).fetch_all(&mut *c).await? {
            roster.time_off.entry(r.try_get(0)?).or_default().push(time_off_from_row(&r, 1)?);
        }
    }
    Ok(roster)
}
