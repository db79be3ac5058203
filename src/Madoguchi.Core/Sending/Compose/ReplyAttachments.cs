using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Sending.Uploads;
using Madoguchi.Core.Storage;
using Madoguchi.Core.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Sending.Compose;

/// <summary>One file of an outgoing message and where it comes from: an upload of the writer's (removed when the message is
/// stored) or an attachment of the message being forwarded.</summary>
public sealed record ComposedAttachment(OutgoingAttachment Part, string BlobHash, Guid? UploadId);

/// <summary>The files of a reply or forward: the writer's own uploads (<c>attachmentIds</c>; an upload of another user or
/// account is not found) and, on a forward, the original's attachments (all but inline images, or those chosen). Read
/// before the transaction; <see cref="AttachAsync"/> inside it makes them the sent message's attachment rows.</summary>
public sealed class ReplyAttachments(MadoguchiDbContext db, IBlobStore blobs, IOptions<SendingOptions> options)
{
    public async Task<Result<List<ComposedAttachment>>> LoadAsync(Guid accountId, Guid userId, IReadOnlyList<Guid>? uploadIds, TicketMessage? forwarded,
        IReadOnlyList<Guid>? forwardedAttachmentIds, CancellationToken ct)
    {
        var list = new List<ComposedAttachment>();
        if (forwarded is not null)
        {
            var parts = await db.TicketAttachments.AsNoTracking().Where(a => a.TicketMessageId == forwarded.Id).OrderBy(a => a.PartIndex).ToListAsync(ct);
            var chosen = forwardedAttachmentIds is null ? parts.Where(a => !a.IsInline).ToList() : parts.Where(a => forwardedAttachmentIds.Contains(a.Id)).ToList();
            if (forwardedAttachmentIds is not null && chosen.Count != forwardedAttachmentIds.Distinct().Count())
                return Error.NotFound("An attachment of the forwarded message");
            foreach (var a in chosen)
            {
                if (await ReadAsync(a.BlobHash, ct) is not { } bytes)
                    return new Error(ErrorKind.Conflict, "original_damaged", $"The attachment \"{a.FileName}\" of the forwarded message is missing from storage.");
                list.Add(new ComposedAttachment(new OutgoingAttachment(a.FileName, a.ContentType, bytes), a.BlobHash, null));
            }
        }
        var ids = (uploadIds ?? []).Distinct().ToList();
        if (ids.Count > 0)
        {
            var uploads = await db.Uploads.AsNoTracking().Where(u => ids.Contains(u.Id) && u.AccountId == accountId && u.UserId == userId).ToListAsync(ct);
            if (uploads.Count != ids.Count)
                return new Error(ErrorKind.NotFound, "upload_not_found", "An attachment was not found: it was deleted (uploads are kept for a day) or belongs to someone else. Attach it again.");
            foreach (var u in ids.Select(id => uploads.Single(x => x.Id == id)))
            {
                if (await ReadAsync(u.BlobHash, ct) is not { } bytes)
                    return new Error(ErrorKind.NotFound, "upload_not_found", $"The file of \"{u.FileName}\" is missing from storage. Attach it again.");
                list.Add(new ComposedAttachment(new OutgoingAttachment(u.FileName, u.ContentType, bytes), u.BlobHash, u.Id));
            }
        }
        var total = list.Sum(a => (long)a.Part.Content.Length);
        if (total > options.Value.MaxMessageBytes)
            return StoreUploadsCommand.TotalTooLarge(options.Value.MaxMessageBytes, total);
        return list;
    }

    /// <summary>Inside the message's transaction: the uploads used are removed (one that is gone by now refuses the message),
    /// each file is locked against deletion and checked on disk (written again when missing), and becomes an attachment row
    /// of <paramref name="sent"/>.</summary>
    public async Task<Result> AttachAsync(TicketMessage sent, IReadOnlyList<ComposedAttachment> files, CancellationToken ct)
    {
        if (files.Count == 0)
            return Result.Ok();
        var uploadIds = files.Where(f => f.UploadId is not null).Select(f => f.UploadId!.Value).ToList();
        if (uploadIds.Count > 0 && await db.Uploads.Where(u => uploadIds.Contains(u.Id)).ExecuteDeleteAsync(ct) != uploadIds.Count)
            return new Error(ErrorKind.NotFound, "upload_not_found", "An attachment was deleted meanwhile. Attach it again.");
        await BlobLocks.LockSharedAsync(db, files.Select(f => f.BlobHash), ct);
        for (var i = 0; i < files.Count; i++)
        {
            var f = files[i];
            if (await blobs.CheckAsync(f.BlobHash, f.Part.Content.LongLength, verifyContent: false, ct) != BlobCondition.Intact)
                await blobs.PutAsync(f.Part.Content, ct);
            sent.Attachments.Add(new TicketAttachment
            {
                TicketMessageId = sent.Id,
                PartIndex = i,
                FileName = f.Part.FileName.Length <= 1000 ? f.Part.FileName : f.Part.FileName[..1000],
                ContentType = f.Part.ContentType,
                Size = f.Part.Content.LongLength,
                BlobHash = f.BlobHash,
            });
        }
        return Result.Ok();
    }

    private async Task<byte[]?> ReadAsync(string hash, CancellationToken ct)
    {
        try
        {
            await using var stream = blobs.OpenRead(hash);
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, ct);
            return buffer.ToArray();
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }
}
