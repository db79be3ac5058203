using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Tickets;

/// <summary>A blob to hand out: its address, a decoded file name and its content type.</summary>
public sealed record MessageFile(string BlobHash, string FileName, string ContentType, long Size);

/// <summary>The original .eml of a message, exactly as fetched.</summary>
public sealed class GetMessageOriginalQuery(MadoguchiDbContext db)
{
    public async Task<Result<MessageFile>> HandleAsync(Actor actor, Guid messageId, CancellationToken ct)
    {
        var message = await db.RequireMessageAsync(actor, messageId, ct);
        if (!message.Succeeded)
            return message.Error!;
        var rawId = message.Value!.RawMessageId;
        var raw = await db.RawMessages.AsNoTracking().Where(r => r.Id == rawId).Select(r => new { r.BlobHash, r.Size }).SingleOrDefaultAsync(ct)
            // A sent message's original is the exact bytes its outbox row sends.
            ?? await db.OutgoingMessages.AsNoTracking().Where(o => o.TicketMessageId == messageId).Select(o => new { o.BlobHash, o.Size }).SingleOrDefaultAsync(ct);
        if (raw is null)
            return Error.NotFound("The original");
        return new MessageFile(raw.BlobHash, FileNameFor(message.Value), "message/rfc822", raw.Size);
    }

    private static string FileNameFor(TicketMessage m)
    {
        var subject = new string(m.Subject.Select(c => char.IsControl(c) || Path.GetInvalidFileNameChars().Contains(c) || c is '"' or '\\' ? '_' : c).ToArray()).Trim();
        if (subject.Length > 80)
            subject = subject[..80];
        return (subject.Length == 0 ? "message" : subject) + ".eml";
    }
}

/// <summary>One attachment or inline part of a message.</summary>
public sealed class GetAttachmentQuery(MadoguchiDbContext db)
{
    public async Task<Result<MessageFile>> HandleAsync(Actor actor, Guid messageId, Guid attachmentId, CancellationToken ct)
    {
        var message = await db.RequireMessageAsync(actor, messageId, ct);
        if (!message.Succeeded)
            return message.Error!;
        var a = message.Value!.Attachments.SingleOrDefault(x => x.Id == attachmentId);
        if (a is null)
            return Error.NotFound("The attachment");
        return new MessageFile(a.BlobHash, a.FileName, a.ContentType, a.Size);
    }
}
