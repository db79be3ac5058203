using Madoguchi.Core.Accounts;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Madoguchi.Core.Sending.Uploads;

/// <summary>One file as a client sends it: its name, the content type it claims (may be empty) and its bytes.</summary>
public sealed record UploadFile(string? FileName, string? ContentType, Stream Content);

/// <summary>An upload as the API answers it. <see cref="ExpiresAt"/>: when it is deleted unless a sent message used it.</summary>
public sealed record UploadView(Guid Id, string FileName, string ContentType, long Size, DateTime CreatedAt, DateTime ExpiresAt);

/// <summary>Stores one or more files a user will attach to a message: each at most <see cref="SendingOptions.MaxAttachmentBytes"/>,
/// together at most <see cref="SendingOptions.MaxMessageBytes"/>, or nothing is stored (400 <c>attachment_too_large</c> /
/// <c>attachments_too_large</c>, naming the limit). Bytes go to the blob store durably before the rows.</summary>
public sealed class StoreUploadsCommand(MadoguchiDbContext db, IBlobStore blobs, IOptions<SendingOptions> options, TimeProvider time)
{
    public const string FileTooLargeCode = "attachment_too_large";
    public const string TotalTooLargeCode = "attachments_too_large";

    public async Task<Result<IReadOnlyList<UploadView>>> HandleAsync(Actor actor, IReadOnlyList<UploadFile> files, CancellationToken ct)
    {
        var me = await db.RequireActiveUserAsync(actor, ct);
        if (!me.Succeeded)
            return me.Error!;
        if (files.Count == 0)
            return new Error(ErrorKind.Invalid, "file_required", "Send at least one file (multipart/form-data).");
        var limit = options.Value.MaxAttachmentBytes;
        var read = new List<(UploadFile File, byte[] Bytes)>();
        long total = 0;
        foreach (var file in files)
        {
            var bytes = await ReadAtMostAsync(file.Content, limit, ct);
            if (bytes is null)
                return FileTooLarge(Name(file.FileName), limit);
            total += bytes.LongLength;
            if (total > options.Value.MaxMessageBytes)
                return TotalTooLarge(options.Value.MaxMessageBytes, total);
            read.Add((file, bytes));
        }
        var now = time.GetUtcNow().UtcDateTime;
        var uploads = new List<Upload>();
        foreach (var (file, bytes) in read)
        {
            var blob = await blobs.PutAsync(bytes, ct);
            var name = Name(file.FileName);
            uploads.Add(new Upload
            {
                AccountId = me.Value!.AccountId,
                UserId = me.Value.Id,
                FileName = name,
                ContentType = Type(file.ContentType, name),
                Size = blob.Size,
                BlobHash = blob.Hash,
                // A microsecond apart (PostgreSQL keeps microseconds), so "oldest first" keeps the files in the order they
                // were sent: ids made in the same millisecond are in random order, and a test saw two files of one upload
                // listed the other way round.
                CreatedAt = now.AddMicroseconds(uploads.Count),
            });
        }
        db.Uploads.AddRange(uploads);
        await db.SaveChangesAsync(ct);
        return uploads.Select(u => View(u, options.Value)).ToList();
    }

    public static UploadView View(Upload u, SendingOptions options) =>
        new(u.Id, u.FileName, u.ContentType, u.Size, u.CreatedAt, u.CreatedAt + options.UploadRetention);

    public static Error FileTooLarge(string name, long limit) =>
        new(ErrorKind.Invalid, FileTooLargeCode,
            $"\"{name}\" is larger than {limit:N0} bytes, the limit for one attachment. / 「{name}」は添付ファイル1つあたりの上限（{limit:N0}バイト）を超えています。")
        {
            Extensions = new Dictionary<string, object?> { ["limit"] = limit },
        };

    public static Error TotalTooLarge(long limit, long size) =>
        new(ErrorKind.Invalid, TotalTooLargeCode,
            $"The attachments together are {size:N0} bytes; a message can carry at most {limit:N0}. / 添付ファイルの合計（{size:N0}バイト）が1通あたりの上限（{limit:N0}バイト）を超えています。")
        {
            Extensions = new Dictionary<string, object?> { ["limit"] = limit },
        };

    /// <summary>The bytes, or null as soon as there are more than <paramref name="limit"/>.</summary>
    private static async Task<byte[]?> ReadAtMostAsync(Stream content, long limit, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = await content.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + n > limit)
                return null;
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }

    /// <summary>The file's own name without any folder, control characters removed, at most 255 characters.</summary>
    internal static string Name(string? fileName)
    {
        var name = (fileName ?? "").Replace('\\', '/');
        name = name[(name.LastIndexOf('/') + 1)..];
        name = new string(name.Where(c => !char.IsControl(c)).ToArray()).Trim();
        if (name.Length > 255)
        {
            var extension = Path.GetExtension(name);
            name = extension.Length < 50 ? name[..(255 - extension.Length)] + extension : name[..255];
        }
        return name.Length == 0 ? "file" : name;
    }

    private static string Type(string? claimed, string name) =>
        ContentType.TryParse(claimed ?? "", out var type) && !type.IsMimeType("application", "octet-stream") && type.MediaSubtype.Length > 0
            ? type.MimeType
            : MimeTypes.GetMimeType(name);
}

/// <summary>Deletes an upload of one's own before sending (the reply box's ✕ on a chip).</summary>
public sealed class DeleteUploadCommand(MadoguchiDbContext db, IBlobStore blobs, ILogger<DeleteUploadCommand> logger)
{
    public async Task<Result> HandleAsync(Actor actor, Guid uploadId, CancellationToken ct)
    {
        var me = await db.RequireActiveUserAsync(actor, ct);
        if (!me.Succeeded)
            return me.Error!;
        var upload = await db.Uploads.AsNoTracking().SingleOrDefaultAsync(u => u.Id == uploadId && u.AccountId == me.Value!.AccountId && u.UserId == me.Value.Id, ct);
        if (upload is null)
            return Error.NotFound("The upload");
        await db.Uploads.Where(u => u.Id == upload.Id).ExecuteDeleteAsync(ct);
        await UnreferencedBlobs.DeleteAsync(db, blobs, logger, [upload.BlobHash], ct);
        return Result.Ok();
    }
}

/// <summary>Part of the retention round: uploads older than <see cref="SendingOptions.UploadRetention"/> (no sent message used
/// them: sending removes the row) that no saved draft attaches are deleted with their files.</summary>
public sealed class PruneUploadsCommand(MadoguchiDbContext db, IBlobStore blobs, IOptions<SendingOptions> options, TimeProvider time, ILogger<PruneUploadsCommand> logger)
{
    public async Task<int> HandleAsync(CancellationToken ct)
    {
        var cutoff = time.GetUtcNow().UtcDateTime - options.Value.UploadRetention;
        var total = 0;
        while (true)
        {
            var expired = await db.Uploads.AsNoTracking().Where(u => u.CreatedAt <= cutoff && u.DraftId == null).OrderBy(u => u.CreatedAt)
                .Select(u => new { u.Id, u.BlobHash }).Take(500).ToListAsync(ct);
            if (expired.Count == 0)
                return total;
            var ids = expired.Select(e => e.Id).ToList();
            // Checked again in the delete: a draft saved meanwhile keeps its attachment.
            total += await db.Uploads.Where(u => ids.Contains(u.Id) && u.DraftId == null).ExecuteDeleteAsync(ct);
            await UnreferencedBlobs.DeleteAsync(db, blobs, logger, expired.Select(e => e.BlobHash).ToList(), ct);
            if (expired.Count < 500)
                return total;
        }
    }
}
