//! Roles a user holds and the scopes a credential carries.

use std::fmt;
use std::str::FromStr;

use crate::AccountsError;

/// What a user is, which bounds what any of their credentials may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Everything, users and tokens included.
    Admin,
    /// Publish, revise, import, feed sources and webhooks; read; own alerts.
    Editor,
    /// Read, and keep their own alerts.
    Reader,
}

impl Role {
    /// Every role, most powerful first.
    pub const ALL: [Role; 3] = [Role::Admin, Role::Editor, Role::Reader];

    /// The role's name, as written on the command line and in the API.
    pub fn as_str(&self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Editor => "editor",
            Role::Reader => "reader",
        }
    }

    /// Every scope a credential of this role may carry.
    pub fn scopes(&self) -> Scopes {
        match self {
            Role::Admin => Scopes::ALL,
            Role::Editor => {
                Scopes::of(&[Scope::Publish, Scope::Read, Scope::Alerts, Scope::Sources])
            }
            Role::Reader => Scopes::of(&[Scope::Read, Scope::Alerts]),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = AccountsError;

    fn from_str(s: &str) -> Result<Role, AccountsError> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| AccountsError::InvalidRole(s.chars().take(40).collect()))
    }
}

/// One thing a credential may be used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Publish and revise stories, import.
    Publish,
    /// Read stories, search, streams and feeds.
    Read,
    /// Keep one's own alerts.
    Alerts,
    /// Feed sources, feed imports by URL, webhooks.
    Sources,
    /// Everything: every user's alerts, users and tokens.
    Admin,
}

impl Scope {
    /// Every scope, in the order they are listed.
    pub const ALL: [Scope; 5] = [
        Scope::Publish,
        Scope::Read,
        Scope::Alerts,
        Scope::Sources,
        Scope::Admin,
    ];

    /// The scope's name, as written in scope lists.
    pub fn as_str(&self) -> &'static str {
        match self {
            Scope::Publish => "publish",
            Scope::Read => "read",
            Scope::Alerts => "alerts",
            Scope::Sources => "sources",
            Scope::Admin => "admin",
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Scope {
    type Err = AccountsError;

    fn from_str(s: &str) -> Result<Scope, AccountsError> {
        Scope::ALL
            .into_iter()
            .find(|sc| sc.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| AccountsError::InvalidScope(s.chars().take(40).collect()))
    }
}

/// A set of scopes, written `publish,read`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Scopes(u8);

impl Scopes {
    /// No scope.
    pub const NONE: Scopes = Scopes(0);
    /// Every scope.
    pub const ALL: Scopes = Scopes(0b1_1111);

    /// No scope (usable in constants).
    pub const fn empty() -> Scopes {
        Scopes(0)
    }

    /// The set of `scopes`.
    pub fn of(scopes: &[Scope]) -> Scopes {
        Scopes(scopes.iter().fold(0, |acc, s| acc | s.bit()))
    }

    /// True when these scopes allow `scope`: `admin` allows every scope.
    pub fn allows(&self, scope: Scope) -> bool {
        self.0 & (scope.bit() | Scope::Admin.bit()) != 0
    }

    /// True when every scope of `other` is in this set.
    pub fn contains_all(&self, other: Scopes) -> bool {
        self.0 & other.0 == other.0
    }

    /// True when it holds no scope.
    pub fn is_empty(&self) -> bool {
        self.0 == 0
    }

    /// The scopes held, in [`Scope::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = Scope> + '_ {
        Scope::ALL.into_iter().filter(|s| self.0 & s.bit() != 0)
    }

    /// The scopes in `self` that `other` lacks.
    pub fn minus(&self, other: Scopes) -> Scopes {
        Scopes(self.0 & !other.0)
    }
}

impl fmt::Display for Scopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.iter().map(|s| s.as_str()).collect();
        f.write_str(&names.join(","))
    }
}

impl fmt::Debug for Scopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Scopes({self})")
    }
}

impl FromStr for Scopes {
    type Err = AccountsError;

    /// `publish,read` (commas or spaces); an empty list is an error.
    fn from_str(s: &str) -> Result<Scopes, AccountsError> {
        let mut out = Scopes::empty();
        for part in s.split([',', ' ']).filter(|p| !p.trim().is_empty()) {
            out.0 |= part.parse::<Scope>()?.bit();
        }
        if out.is_empty() {
            return Err(AccountsError::InvalidScope(s.chars().take(40).collect()));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_bound_scopes() {
        assert!(Role::Admin.scopes().allows(Scope::Admin));
        assert!(Role::Editor.scopes().allows(Scope::Publish));
        assert!(Role::Editor.scopes().allows(Scope::Sources));
        assert!(!Role::Editor.scopes().allows(Scope::Admin));
        assert!(Role::Reader.scopes().allows(Scope::Alerts));
        assert!(!Role::Reader.scopes().allows(Scope::Publish));
        assert!(!Role::Reader.scopes().allows(Scope::Sources));
    }

    #[test]
    fn admin_scope_allows_everything() {
        let admin = Scopes::of(&[Scope::Admin]);
        assert!(Scope::ALL.iter().all(|s| admin.allows(*s)));
        let read = Scopes::of(&[Scope::Read]);
        assert!(read.allows(Scope::Read) && !read.allows(Scope::Publish));
    }

    #[test]
    fn scopes_parse_and_print() {
        let s: Scopes = "read, publish".parse().unwrap();
        assert_eq!(s.to_string(), "publish,read");
        assert_eq!(s.to_string().parse::<Scopes>().unwrap(), s);
        assert!("".parse::<Scopes>().is_err());
        let e = "read,write".parse::<Scopes>().unwrap_err();
        assert!(e.to_string().contains("`write`"), "{e}");
        assert_eq!("EDITOR".parse::<Role>().unwrap(), Role::Editor);
        assert!("root".parse::<Role>().is_err());
        assert_eq!(
            Role::Editor
                .scopes()
                .minus(Role::Reader.scopes())
                .to_string(),
            "publish,sources"
        );
    }
}
