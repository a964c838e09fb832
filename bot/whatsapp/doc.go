// Package whatsapp is the WhatsApp channel of Aduan, built on
// go.mau.fi/whatsmeow (an unofficial client of the multi-device protocol).
//
// It owns: the whatsmeow device store (SQLite by default, PostgreSQL by DSN),
// linking a number (QR code or pairing code), converting incoming messages to
// bot.Inbound and handing them to the dispatcher before WhatsApp gets a
// receipt, rendering bot.Outbound as plain text (choices as numbered menus),
// the connection's health, and a Redis lease so that only one replica holds
// the connection of a number. Its Redis keys are "<prefix>:wa:lease" and
// "<prefix>:{sN}:contact:whatsapp:<chat>" (chats that wrote first and may be
// answered; renewed by the dispatcher with each message).
//
// Nothing here logs message text, phone numbers or JIDs in clear: chats are
// logged as a short hash (see HashID).
package whatsapp
