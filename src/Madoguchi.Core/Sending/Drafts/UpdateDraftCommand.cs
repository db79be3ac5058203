using Madoguchi.Core.Accounts;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;
using Madoguchi.Core.Tickets;
using Madoguchi.Core.Tickets.Live;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Sending.Drafts;

/// <summary>Saves a draft again (its author only), on the version the author last saw: a save based on an older version
/// (another tab or client saved meanwhile) is refused with 409 <c>draft_changed</c> and the current draft.</summary>
public sealed class UpdateDraftCommand(MadoguchiDbContext db, ITicketChangeFeed feed, IOptions<SendingOptions> options, TimeProvider time)
{
    public const string ChangedCode = DraftRules.ChangedCode;

    public async Task<Result<DraftView>> HandleAsync(Actor actor, Guid ticketId, Guid draftId, int? version, DraftInput input, CancellationToken ct)
    {
        var work = await db.RequireWorkOnTicketAsync(actor, ticketId, ct);
        if (!work.Succeeded)
            return work.Error!;
        var (me, _, _) = work.Value;
        var draft = await db.ReplyDrafts.SingleOrDefaultAsync(d => d.Id == draftId && d.TicketId == ticketId, ct);
        if (draft is null)
            return DraftRules.NotFound();
        if (draft.AuthorUserId != me.Id)
            return DraftRules.NotYours();
        if (version is null)
            return new Error(ErrorKind.Invalid, "version_required", "Send the draft's version (the one you last read), so that a newer save is not overwritten.");
        if (version != draft.Version)
            return await ChangedAsync(draft, me.DisplayName, ct);
        var applied = await DraftRules.ApplyAsync(db, draft, input, ct);
        if (!applied.Succeeded)
            return applied.Error!;
        // The version is the concurrency token: a save that committed since this one read the row makes this one fail.
        draft.Version++;
        draft.UpdatedAt = time.GetUtcNow().UtcDateTime;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            var current = await db.ReplyDrafts.AsNoTracking().SingleOrDefaultAsync(d => d.Id == draftId, ct);
            return current is null ? DraftRules.NotFound() : await ChangedAsync(current, me.DisplayName, ct);
        }
        await DraftRules.PublishAsync(feed, draft, ct);
        return await DraftRules.ViewAsync(db, options.Value, draft, me.DisplayName, ct);
    }

    private async Task<Error> ChangedAsync(ReplyDraft current, string authorName, CancellationToken ct) =>
        new(ErrorKind.Conflict, ChangedCode, $"The draft was saved meanwhile (now version {current.Version}). Read it again and save on that version.")
        {
            Extensions = new Dictionary<string, object?> { ["current"] = await DraftRules.ViewAsync(db, options.Value, current, authorName, ct) },
        };
}
