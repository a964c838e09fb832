package alerts

import "context"

// Roles, as the console names them.
const (
	RoleSupervisor = "supervisor" // every alert
	RoleAgency     = "agency"     // the alerts of their agency
)

// Channels alerts go out on (also the label of aduan_alert_messages_total).
const (
	ChannelTelegram = "telegram"
	ChannelEmail    = "email"
)

// Recipient is a console account as alerts see it.
type Recipient struct {
	Email    string // the account, and the address of email alerts
	Role     string // RoleSupervisor, RoleAgency; anything else gets nothing
	Agency   string // an agency admin's agency
	Disabled bool
	// TelegramChat is the private chat linked from the console ("": none).
	TelegramChat string
	// ByEmail: the admin asked for email alerts too.
	ByEmail bool
}

// Directory lists the console's accounts (cmd/aduan adapts console.Accounts).
type Directory interface {
	Recipients(ctx context.Context) ([]Recipient, error)
}

// Wants reports whether r is told about a: supervisors about everything,
// agency admins about their agency's alerts, nobody else about anything.
func (r Recipient) Wants(a Alert) bool {
	if r.Disabled {
		return false
	}
	switch r.Role {
	case RoleSupervisor:
		return true
	case RoleAgency:
		return r.Agency != "" && a.Agency == r.Agency
	}
	return false
}

// isAdminChat reports whether a Telegram chat is linked to an account: a
// message to it is an alert (or a link answer), and its dead letter must not
// raise another alert to the same chat, a minute later, forever.
func isAdminChat(rs []Recipient, channel, chat string) bool {
	if channel != ChannelTelegram || chat == "" {
		return false
	}
	for _, r := range rs {
		if r.TelegramChat == chat {
			return true
		}
	}
	return false
}
