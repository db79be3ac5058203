using System.ComponentModel;
using System.Text.Json;
using Madoguchi.Core.Sending.Drafts;
using Madoguchi.Web.Authentication;

namespace Madoguchi.Web.Api.Sending;

/// <summary>The body of <c>POST</c> and <c>PATCH /tickets/{id}/drafts</c>. On PATCH, fields left out stay as they are and
/// <c>version</c> is required.</summary>
[Description("A reply draft (下書き). On PATCH, fields left out stay as they are; version (the one last read) is required.")]
public sealed record DraftRequest(
    [property: Description("The send address (From) chosen so far.")] Guid? SendAddressId,
    IReadOnlyList<string>? To,
    IReadOnlyList<string>? Cc,
    IReadOnlyList<string>? Bcc,
    string? Subject,
    [property: Description("The reply's text so far (up to 200,000 characters).")] string? Text,
    [property: Description("Ticket status after sending: \"closed\", \"pending\", \"open\" or \"noAction\".")] string? StatusAfter,
    [property: Description("保留理由 of the ticket's inbox, with statusAfter \"pending\".")] Guid? PendingReasonId,
    [property: Description("PATCH only: the draft's version as last read; an older one answers 409 draft_changed with the current draft.")] int? Version,
    [property: Description("Your uploads (POST /uploads) the draft attaches, all of them; kept as long as the draft and deleted with it.")] IReadOnlyList<Guid>? AttachmentIds)
{
    public DraftInput ToInput() => new(SendAddressId, To, Cc, Bcc, Subject, Text, StatusAfter, PendingReasonId, AttachmentIds);
}

/// <summary>Reply drafts (下書き) on a ticket: saved as their author writes, visible to everyone who sees the ticket, removed
/// when the reply is sent from them (<c>draftId</c> on <c>POST /tickets/{id}/replies</c>).</summary>
public static class DraftEndpoints
{
    public static void MapDraftEndpoints(this RouteGroupBuilder api)
    {
        var drafts = api.MapGroup("/tickets/{id:guid}/drafts").WithTags("Sending");
        drafts.MapGet("", async (Guid id, ListDraftsQuery query, HttpContext context, CancellationToken ct) =>
            (await query.HandleAsync(context.GetActor(), id, ct)).ToHttp(list => new DraftList(list, list.Count)))
            .Produces<DraftList>()
            .WithSummary("The ticket's reply drafts, last saved first: author, when begun and last saved, a one-line preview and every field.");
        drafts.MapPost("", async (Guid id, JsonElement body, CreateDraftCommand command, HttpContext context, CancellationToken ct) =>
        {
            if (!TryRead(body, out var request, out var problem))
                return problem!;
            var result = await command.HandleAsync(context.GetActor(), id, request!.ToInput(), ct);
            return result.Succeeded ? TypedResults.Created($"/api/v1/tickets/{id}/drafts/{result.Value!.Id}", result.Value) : ApiResults.Problem(result.Error!);
        }).Accepts<DraftRequest>("application/json").Produces<DraftView>(StatusCodes.Status201Created)
            .WithSummary("Start a draft (アシスタント and up); you are its author and it begins now.");
        drafts.MapPatch("/{draftId:guid}", async (Guid id, Guid draftId, JsonElement body, UpdateDraftCommand command, HttpContext context, CancellationToken ct) =>
            TryRead(body, out var request, out var problem)
                ? (await command.HandleAsync(context.GetActor(), id, draftId, request!.Version, request.ToInput(), ct)).ToHttp()
                : problem!)
            .Accepts<DraftRequest>("application/json").Produces<DraftView>().ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Save your draft again on the version you last read; fields left out stay. A newer save answers 409 draft_changed with the current draft.");
        drafts.MapDelete("/{draftId:guid}", async (Guid id, Guid draftId, DeleteDraftCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), id, draftId, ct)).ToHttp())
            .WithSummary("Throw a draft away: its author, or a マネージャー and up of the inbox.");
    }

    private static bool TryRead(JsonElement body, out DraftRequest? value, out IResult? problem)
    {
        value = null;
        problem = null;
        if (body.ValueKind != JsonValueKind.Object)
        {
            problem = ApiResults.Invalid("body_invalid", "Send a JSON object.");
            return false;
        }
        try
        {
            value = body.Deserialize<DraftRequest>(new JsonSerializerOptions(JsonSerializerDefaults.Web));
            return value is not null;
        }
        catch (JsonException e)
        {
            problem = ApiResults.Invalid("body_invalid", $"A field has the wrong type{(e.Path is null ? "" : $" ({e.Path})")}.");
            return false;
        }
    }
}

/// <summary>The drafts of a ticket.</summary>
public sealed record DraftList(IReadOnlyList<DraftView> Items, int Total);
