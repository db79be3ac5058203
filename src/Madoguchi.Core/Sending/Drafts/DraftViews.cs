using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Sending.Uploads;
using Madoguchi.Core.Tickets;
using Madoguchi.Core.Tickets.Live;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Sending.Drafts;

/// <summary>What a client sends to save a draft. On update, a field left out (null) stays as it is; <see cref="StatusAfter"/>
/// and <see cref="PendingReasonId"/> go together (a status without a reason clears the reason). <see cref="AttachmentIds"/>:
/// the author's uploads the draft attaches (all of them: an upload left out is no longer the draft's); an attached upload
/// is kept as long as the draft and deleted with it.</summary>
public sealed record DraftInput(
    Guid? SendAddressId = null,
    IReadOnlyList<string>? To = null,
    IReadOnlyList<string>? Cc = null,
    IReadOnlyList<string>? Bcc = null,
    string? Subject = null,
    string? Text = null,
    string? StatusAfter = null,
    Guid? PendingReasonId = null,
    IReadOnlyList<Guid>? AttachmentIds = null);

/// <summary>A draft as the team sees it: who writes it, since when, last saved when, and what it says so far.</summary>
public sealed record DraftView(Guid Id, Guid TicketId, Guid AuthorId, string AuthorName, Guid? SendAddressId, IReadOnlyList<string> To,
    IReadOnlyList<string> Cc, IReadOnlyList<string> Bcc, string? Subject, string Text, string Preview, TicketStatus? StatusAfter, Guid? PendingReasonId,
    int Version, DateTime StartedAt, DateTime UpdatedAt)
{
    /// <summary>The uploads the draft attaches, oldest first (send their ids as the reply's <c>attachmentIds</c>).</summary>
    public IReadOnlyList<UploadView> Attachments { get; init; } = [];
}

/// <summary>The rules every draft writer shares: checking and copying fields, the view, the change event.</summary>
internal static class DraftRules
{
    public const string ChangedCode = "draft_changed";
    public const string NotYoursCode = "draft_not_yours";
    public const int PreviewLength = 120;

    public static Error NotFound() => Error.NotFound("The draft");

    public static Error NotYours() => new(ErrorKind.Forbidden, NotYoursCode, "Only the author of a draft can change or send it.");

    /// <summary>Copies the fields the input names onto the draft, after checking them.</summary>
    public static async Task<Result> ApplyAsync(MadoguchiDbContext db, ReplyDraft draft, DraftInput input, CancellationToken ct)
    {
        if (input.Text is { Length: > ReplyDraft.MaxText })
            return new Error(ErrorKind.Invalid, "draft_too_long", $"A draft's text can be at most {ReplyDraft.MaxText:N0} characters.");
        if (input.Subject is { Length: > 1000 })
            return new Error(ErrorKind.Invalid, "subject_too_long", "A subject can be at most 1,000 characters.");
        string? to = null, cc = null, bcc = null;
        if (!TryLines(input.To, out to) || !TryLines(input.Cc, out cc) || !TryLines(input.Bcc, out bcc))
            return new Error(ErrorKind.Invalid, "draft_addresses_too_long", $"To, Cc and Bcc can each be at most {ReplyDraft.MaxAddresses:N0} characters.");
        if (input.SendAddressId is { } sendAddressId && !await db.SendAddresses.AnyAsync(a => a.Id == sendAddressId && a.InboxId == draft.InboxId, ct))
            return Error.NotFound("The send address");
        if (input.StatusAfter is not null || input.PendingReasonId is not null)
        {
            var status = await ReplyStatus.ReadAsync(db, draft.InboxId, input.StatusAfter, input.PendingReasonId, ct);
            if (!status.Succeeded)
                return status.Error!;
            (draft.StatusAfter, draft.PendingReasonId) = status.Value;
        }
        if (input.AttachmentIds is { } attachmentIds)
        {
            var ids = attachmentIds.Distinct().ToList();
            var uploads = await db.Uploads.Where(u => u.AccountId == draft.AccountId && u.UserId == draft.AuthorUserId && (ids.Contains(u.Id) || u.DraftId == draft.Id))
                .ToListAsync(ct);
            if (ids.Any(id => uploads.All(u => u.Id != id)))
                return new Error(ErrorKind.NotFound, "upload_not_found", "An attachment was not found: it was deleted or belongs to someone else. Attach it again.");
            foreach (var upload in uploads)
                upload.DraftId = ids.Contains(upload.Id) ? draft.Id : null;
        }
        if (input.SendAddressId is not null)
            draft.SendAddressId = input.SendAddressId;
        draft.To = to ?? draft.To;
        draft.Cc = cc ?? draft.Cc;
        draft.Bcc = bcc ?? draft.Bcc;
        if (input.Subject is not null)
            draft.Subject = input.Subject.Length == 0 ? null : input.Subject;
        draft.Text = input.Text ?? draft.Text;
        return Result.Ok();
    }

    private static bool TryLines(IReadOnlyList<string>? values, out string? joined)
    {
        joined = values is null ? null : string.Join('\n', values.Select(v => v.ReplaceLineEndings(" ").Trim()).Where(v => v.Length > 0));
        return joined is null || joined.Length <= ReplyDraft.MaxAddresses;
    }

    public static DraftView View(ReplyDraft d, string authorName, IReadOnlyList<UploadView> attachments) => new(d.Id, d.TicketId, d.AuthorUserId, authorName,
        d.SendAddressId, Split(d.To), Split(d.Cc), Split(d.Bcc), d.Subject, d.Text, Preview(d.Text), d.StatusAfter, d.PendingReasonId, d.Version, d.StartedAt,
        d.UpdatedAt) { Attachments = attachments };

    /// <summary>The uploads each of the drafts attaches, oldest first.</summary>
    public static async Task<ILookup<Guid, UploadView>> AttachmentsAsync(MadoguchiDbContext db, SendingOptions options, IReadOnlyCollection<Guid> draftIds,
        CancellationToken ct)
    {
        var uploads = await db.Uploads.AsNoTracking().Where(u => u.DraftId != null && draftIds.Contains(u.DraftId.Value)).ToListAsync(ct);
        return uploads.OrderBy(u => u.CreatedAt).ThenBy(u => u.Id).ToLookup(u => u.DraftId!.Value, u => StoreUploadsCommand.View(u, options));
    }

    /// <summary>The view of one draft with its attachments as saved.</summary>
    public static async Task<DraftView> ViewAsync(MadoguchiDbContext db, SendingOptions options, ReplyDraft d, string authorName, CancellationToken ct) =>
        View(d, authorName, [.. (await AttachmentsAsync(db, options, [d.Id], ct))[d.Id]]);

    /// <summary>The first words of the text on one line.</summary>
    public static string Preview(string text)
    {
        var line = string.Join(' ', text.Split((char[])['\r', '\n', '\t', ' ', '\u3000'], StringSplitOptions.RemoveEmptyEntries));
        return line.Length <= PreviewLength ? line : line[..PreviewLength] + "…";
    }

    private static List<string> Split(string lines) => lines.Length == 0 ? [] : [.. lines.Split('\n')];

    public static Task PublishAsync(ITicketChangeFeed feed, ReplyDraft draft, CancellationToken ct) =>
        feed.PublishAsync(new TicketChange(draft.AccountId, draft.InboxId, draft.TicketId, TicketChangeKind.Drafted, draft.AuthorUserId), ct);
}
