//! `newsterm user …` and `newsterm token …`: the accounts of a data
//! directory, managed on the directory itself (`--data`), with or without
//! a server running on it — the server sees each change on its next
//! request. On a cluster node's directory the change is the cluster's
//! (`newsterm_server::Records`): every node sees it.

use std::io::{BufRead, IsTerminal};
use std::path::Path;

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use std::sync::Arc;

use newsterm_accounts::{Accounts, Role, Scopes, parse_lifetime};
use newsterm_server::Records;

#[derive(Subcommand)]
pub enum UserCommand {
    /// Add a user. Without a password the user can use tokens but not log
    /// in to the web terminal.
    Add {
        name: String,
        /// admin (everything), editor (publish, revise, import, sources,
        /// webhooks) or reader (read, own alerts).
        #[arg(long)]
        role: String,
        /// Read the password from the first line of standard input
        /// (otherwise it is asked for when standard input is a terminal).
        #[arg(long)]
        password_stdin: bool,
    },
    /// List users and their roles.
    List,
    /// Remove a user with all their tokens and sessions.
    Rm { name: String },
    /// Set a user's password (ends their browser sessions).
    Passwd {
        name: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Create an API token and print it alone on stdout (shown once; only
    /// a hash is kept).
    Create {
        #[arg(long)]
        user: String,
        /// Comma-separated: publish, read, alerts, sources, admin
        /// (default: everything the user's role allows).
        #[arg(long)]
        scope: Option<String>,
        /// Lifetime: 30d, 12h, 2w… (default: never expires).
        #[arg(long)]
        expires: Option<String>,
        /// A label to recognise it by in `token list`.
        #[arg(long)]
        name: Option<String>,
    },
    /// List tokens (never their secrets).
    List {
        #[arg(long)]
        user: Option<String>,
    },
    /// Revoke a token by its id (takes effect on the server's next request).
    Revoke { id: String },
}

/// Opens the accounts of `data`, creating the directory (owner-only) when
/// it does not exist yet, so the first admin can be made before the first
/// `serve`.
async fn open(data: &Path) -> Result<(Arc<Accounts>, Records)> {
    let dir = newsterm_server::DataDir::new(data);
    dir.create()
        .with_context(|| format!("cannot create the data directory {}", data.display()))?;
    let accounts = Arc::new(Accounts::open(data)?);
    let records = Records::of_data_dir(&dir, accounts.clone()).await?;
    Ok((accounts, records))
}

/// A password from stdin's first line, from a prompt on a terminal, or
/// none when `required` is false and neither applies.
fn read_password(from_stdin: bool, required: bool) -> Result<Option<String>> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from standard input")?;
        let password = line.trim_end_matches(['\r', '\n']).to_string();
        if password.is_empty() {
            bail!("no password on standard input");
        }
        return Ok(Some(password));
    }
    if !std::io::stdin().is_terminal() {
        if required {
            bail!("give the password on standard input with --password-stdin");
        }
        return Ok(None);
    }
    let first = rpassword::prompt_password("password: ").context("cannot read the password")?;
    if first.is_empty() && !required {
        return Ok(None);
    }
    let again = rpassword::prompt_password("again: ").context("cannot read the password")?;
    if first != again {
        bail!("the two passwords differ");
    }
    Ok(Some(first))
}

pub async fn user(data: &Path, command: UserCommand) -> Result<()> {
    let (accounts, records) = open(data).await?;
    match command {
        UserCommand::Add {
            name,
            role,
            password_stdin,
        } => {
            let role: Role = role.parse()?;
            let password = read_password(password_stdin, false)?;
            let user = records.add_user(accounts, name, role, password).await?;
            say!("added user {} ({})", user.name, user.role);
            if !user.has_password {
                say_err!(
                    "{} has no password (tokens only); set one with `newsterm user passwd {}`",
                    user.name,
                    user.name
                );
            }
            say_err!(
                "make an API token with `newsterm token create --user {} --data {}`",
                user.name,
                data.display()
            );
        }
        UserCommand::List => {
            for u in accounts.users()? {
                say!(
                    "{}\t{}\t{}\tsince {}",
                    u.name,
                    u.role,
                    if u.has_password {
                        "password"
                    } else {
                        "tokens only"
                    },
                    newsterm_story::format_time(u.created)
                );
            }
        }
        UserCommand::Rm { name } => {
            records.remove_user(accounts, name.clone()).await?;
            say!("removed user {name} and their tokens and sessions");
        }
        UserCommand::Passwd {
            name,
            password_stdin,
        } => {
            let Some(password) = read_password(password_stdin, true)? else {
                bail!("no password given");
            };
            records
                .set_password(accounts, name.clone(), password)
                .await?;
            say!("password set for {name}; their browser sessions are ended");
        }
    }
    Ok(())
}

pub async fn token(data: &Path, command: TokenCommand) -> Result<()> {
    let (accounts, records) = open(data).await?;
    match command {
        TokenCommand::Create {
            user,
            scope,
            expires,
            name,
        } => {
            let scopes = scope.as_deref().map(str::parse::<Scopes>).transpose()?;
            let lifetime = expires
                .as_deref()
                .map(parse_lifetime)
                .transpose()?
                .flatten();
            let new = records
                .create_token(accounts, user, scopes, lifetime, name)
                .await?;
            // Alone on stdout, so `TOKEN=$(newsterm token create …)` works.
            println!("{}", new.token);
            say_err!(
                "token {} for {} ({}), {}; shown once: keep it now",
                new.info.id,
                new.info.user,
                new.info.scopes,
                match new.info.expires {
                    Some(t) => format!("expires {}", newsterm_story::format_time(t)),
                    None => "never expires".to_string(),
                }
            );
        }
        TokenCommand::List { user } => {
            let now = time::OffsetDateTime::now_utc();
            for t in accounts.tokens(user.as_deref())? {
                say!(
                    "{}\t{}\t{}\t{}\tcreated {}\t{}",
                    t.id,
                    t.user,
                    t.name.as_deref().unwrap_or("-"),
                    t.scopes,
                    newsterm_story::format_time(t.created),
                    match t.expires {
                        Some(e) if e <= now =>
                            format!("expired {}", newsterm_story::format_time(e)),
                        Some(e) => format!("expires {}", newsterm_story::format_time(e)),
                        None => "never expires".to_string(),
                    }
                );
            }
        }
        TokenCommand::Revoke { id } => {
            records.revoke_token(accounts, id.clone()).await?;
            say!("revoked token {}", id.chars().take(20).collect::<String>());
        }
    }
    Ok(())
}
