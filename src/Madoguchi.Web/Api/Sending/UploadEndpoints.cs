using System.ComponentModel;
using Madoguchi.Core.Common;
using Madoguchi.Core.Sending;
using Madoguchi.Core.Sending.Uploads;
using Madoguchi.Web.Authentication;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Madoguchi.Web.Api.Sending;

/// <summary><c>POST /api/v1/uploads</c>: files to attach to a reply or forward (<c>attachmentIds</c>), and
/// <c>DELETE /api/v1/uploads/{id}</c>. An upload is the uploading user's alone; unused ones are deleted after a day.</summary>
public static class UploadEndpoints
{
    public static void MapUploadEndpoints(this RouteGroupBuilder users)
    {
        var uploads = users.MapGroup("/uploads").WithTags("Sending");
        uploads.MapPost("", async (HttpContext context, StoreUploadsCommand command, IOptions<SendingOptions> options, CancellationToken ct) =>
        {
            if (!context.Request.HasFormContentType)
                return ApiResults.Invalid("file_required", "Send the files as multipart/form-data.");
            // Room for every file up to the per-message limit, plus the multipart framing.
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
                size.MaxRequestBodySize = options.Value.MaxMessageBytes + 1024 * 1024;
            IFormCollection form;
            try
            {
                form = await context.Request.ReadFormAsync(ct);
            }
            catch (Exception e) when (e is BadHttpRequestException or InvalidDataException)
            {
                return ApiResults.Problem(StoreUploadsCommand.TotalTooLarge(options.Value.MaxMessageBytes, context.Request.ContentLength ?? 0));
            }
            var files = new List<UploadFile>();
            try
            {
                foreach (var file in form.Files)
                    files.Add(new UploadFile(file.FileName, file.ContentType, file.OpenReadStream()));
                var result = await command.HandleAsync(context.GetActor(), files, ct);
                return result.Succeeded
                    ? TypedResults.Created("/api/v1/uploads", new { items = result.Value!, total = result.Value!.Count })
                    : ApiResults.Problem(result.Error!);
            }
            finally
            {
                foreach (var file in files)
                    await file.Content.DisposeAsync();
            }
        }).Accepts<UploadForm>("multipart/form-data").Produces<UploadList>(StatusCodes.Status201Created)
            .WithSummary("Upload one or more files (multipart/form-data, any field name) to attach with attachmentIds on a reply or forward. "
                + "Each file at most Madoguchi:Sending:MaxAttachmentBytes (400 attachment_too_large), together at most MaxMessageBytes (400 attachments_too_large). "
                + "Only the uploading user can use or delete an upload; one no message used is deleted after UploadRetention (a day).");
        uploads.MapDelete("/{id:guid}", async (Guid id, DeleteUploadCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), id, ct)).ToHttp())
            .WithSummary("Delete an upload of one's own that was not sent.");
    }

    /// <summary>The body of <c>POST /uploads</c>, for the OpenAPI document (the files may come under any field name).</summary>
    public sealed record UploadForm([property: Description("One or more files to attach.")] IFormFileCollection Files);

    /// <summary>The answer of <c>POST /uploads</c>, for the OpenAPI document.</summary>
    public sealed record UploadList(IReadOnlyList<UploadView> Items, int Total);
}
