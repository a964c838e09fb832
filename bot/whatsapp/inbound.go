package whatsapp

import (
	"bytes"
	"context"
	"errors"
	"time"

	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/flows"
)

// handleTimeout bounds one message: normalising, the photo download and the
// commit. whatsmeow's queue waits for the handler, so it must not hang.
const handleTimeout = 2 * time.Minute

// handleMessage converts a message, stores its photo, commits it through the
// handler and marks it read. It returns false (no receipt: WhatsApp
// redelivers) when it could not be committed. Old messages that arrive after
// downtime are processed like new ones: the citizen still wants an answer.
func (a *Adapter) handleMessage(evt *events.Message) bool {
	in, ok := FromEvent(evt)
	if !ok {
		a.counters.ignored.Add(1)
		return true
	}
	if rdb, _ := a.redis(); rdb == nil {
		a.log.Warn("whatsapp: message before Run; not acknowledged")
		a.counters.inboundFailed.Add(1)
		return false
	}
	ctx, cancel := context.WithTimeout(a.baseCtx(), handleTimeout)
	defer cancel()
	in.ChatID = a.normalise(ctx, in.ChatID)
	in.UserID = in.ChatID
	log := a.log.With("chat", HashID(in.ChatID))
	if len(in.Photos) > 0 {
		if err := a.fetchPhoto(ctx, evt, &in); err != nil {
			log.Error("whatsapp: store photo; not acknowledged", "err", err)
			a.counters.inboundFailed.Add(1)
			return false
		}
	}
	out, err := a.handler.Handle(ctx, in)
	if err != nil {
		log.Error("whatsapp: commit failed; not acknowledged, WhatsApp will redeliver", "err", err)
		a.counters.inboundFailed.Add(1)
		return false
	}
	if out.Duplicate {
		a.counters.duplicates.Add(1)
	} else {
		a.counters.inbound.Add(1)
	}
	if err := a.client.MarkRead(ctx, []types.MessageID{evt.Info.ID}, evt.Info.Timestamp, evt.Info.Chat, evt.Info.Sender); err != nil {
		log.Warn("whatsapp: mark read", "err", err)
	}
	return true
}

// normalise maps a LID chat to the phone-number JID when the store knows it,
// so one person has one conversation whichever address a message came with.
func (a *Adapter) normalise(ctx context.Context, chat string) string {
	jid, err := types.ParseJID(chat)
	if err != nil || jid.Server != types.HiddenUserServer || a.lids == nil {
		return chat
	}
	pn, err := a.lids.GetPNForLID(ctx, jid)
	if err != nil || pn.IsEmpty() {
		return chat
	}
	return pn.ToNonAD().String()
}

// fetchPhoto downloads the message's image at once (WhatsApp media links
// expire) into the media store and puts its reference in in.Photos. A photo
// the citizen must resend (too large, not an image, download failed) becomes
// in.Unsupported, so the engine asks again. Only a failing media store
// returns an error: the message is then left for redelivery.
func (a *Adapter) fetchPhoto(ctx context.Context, evt *events.Message, in *bot.Inbound) error {
	media, size, ok := downloadable(evt.Message)
	in.Photos = nil
	if !ok {
		return nil
	}
	if a.media == nil {
		in.Unsupported = UnsupportedPhotoFailed
		return nil
	}
	if size > uint64(a.cfg.MaxPhotoBytes) {
		in.Unsupported = UnsupportedPhotoTooLarge
		return nil
	}
	data, err := a.client.Download(ctx, media)
	if err != nil {
		a.log.Warn("whatsapp: photo download failed", "chat", HashID(in.ChatID), "err", err)
		in.Unsupported = UnsupportedPhotoFailed
		return nil
	}
	if int64(len(data)) > a.cfg.MaxPhotoBytes {
		in.Unsupported = UnsupportedPhotoTooLarge
		return nil
	}
	ref, ct, n, err := a.media.Save(ctx, bytes.NewReader(data))
	switch {
	case errors.Is(err, bot.ErrMediaTooLarge):
		in.Unsupported = UnsupportedPhotoTooLarge
		return nil
	case errors.Is(err, bot.ErrMediaType):
		in.Unsupported = UnsupportedPhotoType
		return nil
	case err != nil:
		return err
	}
	in.Photos = append(in.Photos, flows.Photo{Ref: ref, ContentType: ct, Size: n})
	return nil
}
