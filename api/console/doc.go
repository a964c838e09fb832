// Package console is the admin console of Aduan: a server-rendered web
// application (html/template, embedded assets, no front-end build) where
// agency admins work their reports, supervisors watch response times and move
// reports between agencies, and viewers read. It owns its Redis keys under
// "<prefix>:console:": admin accounts, login sessions, login-failure counters
// and the audit log. Reports are read and changed only through api.Service.
//
// Security model, in short: a session cookie (HttpOnly, SameSite=Lax, Secure
// when configured) names a session in Redis with an idle timeout; every state
// change is a POST checked by net/http's CrossOriginProtection; logins are
// rate limited per account and per client address (the address taken from
// X-Forwarded-For only when the peer is a configured trusted proxy); agency
// admins see only their agency's reports (others are 404) and never the
// identity of an anonymous reporter; personal data is masked until a
// supervisor reveals it, and every reveal is audit-logged.
package console
