//! The thread SQLite's work runs on. sqlx hands every statement to the connection's own
//! thread and waits for the answer: when the caller and that thread sit on different
//! CPUs, each hand-off wakes an idle CPU, which on a virtual machine costs a trip through
//! the hypervisor. Measured on the 2-core build machine: a `SELECT 1` takes 60 to 100 µs
//! that way, 5 µs with both threads kept on one CPU, and handling the ingest bench's
//! 20,000 stored events goes from about 900 to about 4,500 a second.
//!
//! So on SQLite the store is opened, and the background work (received events, jobs,
//! deliveries, the door's writer) runs, on a thread of its own kept on one CPU. The
//! connection's thread is started from there, so it is kept on the same CPU, and the pool
//! keeps that one connection for good. HTTP requests are still read and verified on every
//! CPU; what they store reaches this thread through a channel. (A statement sent from
//! another thread, say by a web chat page, works as before, with the longer hand-off.)

use anyhow::Context;
use std::future::Future;
use tokio::runtime::Handle;
use tokio::sync::oneshot;

/// A single-threaded runtime on a thread of its own, kept on one CPU when the process may
/// use several. It stops when dropped; what still runs there is dropped with it.
#[derive(Debug)]
pub struct DatabaseThread {
    handle: Handle,
    stop: Option<oneshot::Sender<()>>,
}

impl DatabaseThread {
    /// Started for a SQLite URL; none for Postgres, whose work is done by its server.
    pub fn for_url(url: &str) -> anyhow::Result<Option<DatabaseThread>> {
        match crate::store::Dialect::of_url(url) {
            Some(crate::store::Dialect::Sqlite) => DatabaseThread::start().map(Some),
            _ => Ok(None),
        }
    }

    pub fn start() -> anyhow::Result<DatabaseThread> {
        let (ready, started) = std::sync::mpsc::channel();
        let (stop, stopped) = oneshot::channel::<()>();
        std::thread::Builder::new()
            .name("tandem-database".into())
            .spawn(move || {
                keep_to_one_cpu();
                let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready.send(Err(e));
                        return;
                    }
                };
                let _ = ready.send(Ok(runtime.handle().clone()));
                runtime.block_on(async {
                    let _ = stopped.await;
                });
            })
            .context("starting the database thread")?;
        let handle = started
            .recv()
            .context("the database thread ended at its start")?
            .context("starting the database thread's runtime")?;
        Ok(DatabaseThread { handle, stop: Some(stop) })
    }

    /// Run `work` on this thread and wait for its result.
    pub async fn run<T: Send + 'static>(&self, work: impl Future<Output = T> + Send + 'static) -> anyhow::Result<T> {
        self.spawn(work).await.context("the database thread stopped")
    }

    /// Start `work` on this thread.
    pub fn spawn<T: Send + 'static>(
        &self,
        work: impl Future<Output = T> + Send + 'static,
    ) -> tokio::task::JoinHandle<T> {
        self.handle.spawn(work)
    }

    /// `work` on `db` when there is one (SQLite), else on the caller's runtime.
    pub async fn run_or_here<T: Send + 'static>(
        db: Option<&DatabaseThread>,
        work: impl Future<Output = T> + Send + 'static,
    ) -> anyhow::Result<T> {
        match db {
            Some(db) => db.run(work).await,
            None => Ok(work.await),
        }
    }

    /// Start `work` on `db` when there is one, else on the caller's runtime.
    pub fn spawn_or_here<T: Send + 'static>(
        db: Option<&DatabaseThread>,
        work: impl Future<Output = T> + Send + 'static,
    ) -> tokio::task::JoinHandle<T> {
        match db {
            Some(db) => db.spawn(work),
            None => tokio::spawn(work),
        }
    }
}

impl Drop for DatabaseThread {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Keep the calling thread (and the threads it starts) on the last CPU this process may
/// use, when it may use more than one. Where that is refused, it runs anywhere: slower,
/// never wrong.
fn keep_to_one_cpu() {
    let Some(cpu) = core_affinity::get_core_ids().filter(|ids| ids.len() > 1).and_then(|ids| ids.last().copied())
    else {
        return;
    };
    if !core_affinity::set_for_current(cpu) {
        tracing::debug!(cpu = cpu.id, "could not keep the database thread on one CPU");
    }
}

#[cfg(test)]
mod tests {
    use super::DatabaseThread;

    /// The CPUs the calling thread may run on, from the kernel's own account.
    fn allowed_cpus() -> String {
        let status = std::fs::read_to_string("/proc/thread-self/status").expect("status");
        status.lines().find_map(|l| l.strip_prefix("Cpus_allowed_list:")).expect("a CPU list").trim().to_string()
    }

    #[tokio::test]
    async fn work_given_to_the_database_thread_runs_there_and_on_one_cpu_with_what_it_starts() {
        let everywhere = allowed_cpus();
        let db = DatabaseThread::start().expect("database thread");
        let (name, cpus) =
            db.run(async { (std::thread::current().name().map(str::to_owned), allowed_cpus()) }).await.expect("ran");
        assert_eq!(name.as_deref(), Some("tandem-database"));
        // A thread it starts (as sqlx starts a SQLite connection's) is kept with it.
        let started =
            db.run(async { std::thread::spawn(allowed_cpus).join().expect("started thread") }).await.expect("ran");
        assert_eq!(started, cpus);
        let several = everywhere.contains(['-', ',']);
        if several {
            assert!(!cpus.contains(['-', ',']), "one CPU of {everywhere}, not {cpus}");
        } else {
            assert_eq!(cpus, everywhere, "one CPU allowed: nothing to choose");
        }
    }
}
