//! The background task that sends the queue: a message is claimed (`sending`, with a lease)
//! before it goes, and marked sent after. A server that stops between the two leaves it
//! claimed; once the lease runs out, the next sender (after a restart, or another server on
//! the same file) sends it again: the same bytes, the same Message-ID. A failure is tried
//! again after 1 minute, then 2, 4… up to 6 hours between tries, and given up (logged) 3
//! days after the message was queued, or at once when the SMTP server refuses it for good
//! (a 5xx answer).

use std::sync::Arc;
use std::time::Duration;

use lettre::address::Envelope;
use lettre::{Address, AsyncTransport};

use super::Mail;
use crate::store::mail::Claimed;

/// How long one SMTP exchange may take.
pub(super) const SMTP_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a claim lasts: past it, the message is another sender's to send.
const LEASE_MILLIS: i64 = 5 * 60 * 1000;
const FIRST_RETRY_MILLIS: i64 = 60 * 1000;
const LONGEST_RETRY_MILLIS: i64 = 6 * 3600 * 1000;
const GIVE_UP_MILLIS: i64 = 3 * 24 * 3600 * 1000;
/// How often the queue is looked at when nothing wakes the sender: messages whose retry
/// came due, or whose lease ran out. Measured on the server's clock, which tests move.
const POLL: Duration = Duration::from_secs(1);

pub(super) async fn run(mail: Arc<Mail>) {
    loop {
        match mail.store.claim_mail(mail.clock.now_millis(), LEASE_MILLIS).await {
            Ok(Some(claimed)) => send(&mail, claimed).await,
            Ok(None) => {
                tokio::select! {
                    () = mail.wake.notified() => {}
                    () = tokio::time::sleep(POLL) => {}
                }
            }
            Err(error) => {
                eprintln!("error: mail queue: {}", error.detail());
                tokio::time::sleep(POLL).await;
            }
        }
    }
}

/// The delay before the attempt after `attempts` failed ones.
fn backoff(attempts: i64) -> i64 {
    let doublings = u32::try_from(attempts.saturating_sub(1)).unwrap_or(u32::MAX).min(20);
    (FIRST_RETRY_MILLIS << doublings).min(LONGEST_RETRY_MILLIS)
}

async fn send(mail: &Mail, claimed: Claimed) {
    let result = match envelope(&claimed) {
        Ok(envelope) => mail.transport.send_raw(&envelope, &claimed.message).await.map(|_| ()).map_err(|error| {
            let permanent = error.is_permanent();
            (error.to_string(), permanent)
        }),
        Err(error) => Err((error, true)),
    };
    let store = &mail.store;
    let now = mail.clock.now_millis();
    let settled = match result {
        Ok(()) => store.mail_sent(&claimed).await,
        Err((error, permanent)) => {
            let retry = now + backoff(claimed.attempts);
            if permanent || retry - claimed.created > GIVE_UP_MILLIS {
                eprintln!(
                    "error: mail {} to {} given up after {} attempts: {error}",
                    claimed.id, claimed.recipient, claimed.attempts
                );
                store.mail_failed(&claimed, &error).await
            } else {
                eprintln!(
                    "warning: mail {} to {} not sent (attempt {}): {error}; tried again in {} s",
                    claimed.id,
                    claimed.recipient,
                    claimed.attempts,
                    (retry - now) / 1000
                );
                store.mail_retry(&claimed, retry, &error).await
            }
        }
    };
    if let Err(error) = settled {
        eprintln!("error: mail queue: {}", error.detail());
    }
}

fn envelope(claimed: &Claimed) -> Result<Envelope, String> {
    let address = |text: &str| text.parse::<Address>().map_err(|error| format!("address {text}: {error}"));
    Envelope::new(Some(address(&claimed.sender)?), vec![address(&claimed.recipient)?])
        .map_err(|error| error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_one_minute_doubling_up_to_six_hours() {
        let minutes: Vec<i64> = (1..=12).map(|attempts| backoff(attempts) / 60_000).collect();
        assert_eq!(minutes, [1, 2, 4, 8, 16, 32, 64, 128, 256, 360, 360, 360]);
        assert_eq!(backoff(i64::MAX), LONGEST_RETRY_MILLIS);
    }
}
