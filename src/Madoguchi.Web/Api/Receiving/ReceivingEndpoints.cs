using System.Text.Json;
using Madoguchi.Core.Receiving.Fetching;
using Madoguchi.Core.Receiving.Health;
using Madoguchi.Core.Receiving.Missing;
using Madoguchi.Core.Receiving.Servers;
using Madoguchi.Web.Authentication;

namespace Madoguchi.Web.Api.Receiving;

public sealed record MissingMailRequest(string? Sender, string? Subject, DateTimeOffset? Since, DateTimeOffset? Before);

/// <summary>受信設定 and receive health of an inbox. Only the inbox's 管理者 and the account's owners get answers;
/// other users see 403 when they can see the inbox and 404 when they cannot.</summary>
public static class ReceivingEndpoints
{
    public static void MapReceivingEndpoints(this RouteGroupBuilder api)
    {
        var inbox = api.MapGroup("/inboxes/{id:guid}").WithTags("Receiving");
        inbox.MapGet("/receive-servers", async (Guid id, ListReceiveServersQuery query, HttpContext context, CancellationToken ct) =>
            (await query.HandleAsync(context.GetActor(), id, ct)).ToHttp(list => new { items = list, total = list.Count }))
            .WithSummary("Receive servers of the inbox (passwords are never returned).");
        inbox.MapPost("/receive-servers", async (Guid id, JsonElement body, CreateReceiveServerCommand command, HttpContext context, CancellationToken ct) =>
        {
            if (!TryRead(body, out var input, out var problem))
                return problem!;
            var result = await command.HandleAsync(context.GetActor(), id, input, ct);
            return result.Succeeded ? TypedResults.Created($"/api/v1/inboxes/{id}/receive-servers/{result.Value!.Id}", result.Value) : ApiResults.Problem(result.Error!);
        }).Accepts<ReceiveServerSettings>("application/json").Produces<ReceiveServerView>(StatusCodes.Status201Created).WithSummary("Add a receive server (at most 3 per inbox).");
        inbox.MapPatch("/receive-servers/{serverId:guid}", async (Guid id, Guid serverId, JsonElement body, UpdateReceiveServerCommand command, HttpContext context, CancellationToken ct) =>
            TryRead(body, out var input, out var problem) ? (await command.HandleAsync(context.GetActor(), id, serverId, input, ct)).ToHttp() : problem!)
            .Accepts<ReceiveServerSettings>("application/json")
            .WithSummary("Change receive settings; fields left out stay as they are; \"deleteAfterDays\": null means never delete.");
        inbox.MapDelete("/receive-servers/{serverId:guid}", async (Guid id, Guid serverId, DeleteReceiveServerCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), id, serverId, ct)).ToHttp())
            .WithSummary("Remove a receive server; mail already received stays.");
        inbox.MapPost("/receive-servers/{serverId:guid}/test", async (Guid id, Guid serverId, TestReceiveServerCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), id, serverId, ct)).ToHttp(r => new { ok = r.Ok, items = r.Steps, total = r.Steps.Count }))
            .WithSummary("Test connection: name lookup, TCP, TLS, login, folders, message count.");
        inbox.MapPost("/fetch", async (Guid id, FetchInboxNowCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), id, ct)).ToHttp(r => new { stored = r.Stored, duplicates = r.Duplicates, issues = r.Issues, items = r.Items, total = r.Total }))
            .WithSummary("Fetch now; answers when the pass of every server is done, with counts.");
        inbox.MapGet("/receive-status", async (Guid id, GetReceiveStatusQuery query, HttpContext context, CancellationToken ct) =>
            (await query.HandleAsync(context.GetActor(), id, ct)).ToHttp(list => new { items = list, total = list.Count }))
            .WithSummary("受信状況: last successful fetch, fetched today, last error (ja/en), progress, per-message issues.");
        inbox.MapPost("/missing-mail", async (Guid id, MissingMailRequest request, FindMissingMailQuery query, HttpContext context, CancellationToken ct) =>
            (await query.HandleAsync(context.GetActor(), id, new MissingMailCriteria(request.Sender, request.Subject, request.Since, request.Before), ct))
                .ToHttp(r => new { verdict = r.Verdict, ja = r.Ja, en = r.En, items = r.Items, total = r.Total, errors = r.Errors }))
            .WithSummary("Find a missing mail: on the server, in the server's spam folder, already in Madoguchi, or never arrived.");
    }

    /// <summary>Reads the settings body by hand so that an explicit <c>"deleteAfterDays": null</c> (never delete) differs from leaving it out.</summary>
    private static bool TryRead(JsonElement body, out ReceiveServerInput input, out IResult? problem)
    {
        input = null!;
        problem = null;
        if (body.ValueKind != JsonValueKind.Object)
        {
            problem = ApiResults.Invalid("body_invalid", "Send a JSON object with the receive settings.");
            return false;
        }
        // Which field is being read, so a wrong type is answered by name (never with the JSON reader's own text).
        var (field, expected) = ("", "");
        try
        {
            JsonElement? Read(string name, string kind)
            {
                (field, expected) = (name, kind);
                return body.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;
            }
            string? Str(string name) => Read(name, "a string")?.GetString();
            int? Int(string name) => Read(name, "a whole number")?.GetInt32();
            bool? Bool(string name) => Read(name, "true or false")?.GetBoolean();
            (field, expected) = ("folders", "a list of folder names");
            List<string>? folders = body.TryGetProperty("folders", out var f) && f.ValueKind == JsonValueKind.Array
                ? [.. f.EnumerateArray().Select(e => e.GetString() ?? "")]
                : null;
            var clearDays = body.TryGetProperty("deleteAfterDays", out var d) && d.ValueKind == JsonValueKind.Null;
            input = new ReceiveServerInput(Str("protocol"), Str("host"), Int("port"), Str("security"), Bool("validateCertificate"), Str("username"),
                Str("password"), folders, Bool("leaveOnServer"), Int("deleteAfterDays"), Bool("useIdle"), Int("pollSeconds"), clearDays);
            return true;
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            problem = ApiResults.Invalid("body_invalid", $"The field \"{field}\" has the wrong type: send {expected}.");
            return false;
        }
    }
}
