using Madoguchi.Core.Audit;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;
using Madoguchi.Core.Receiving.Fetching;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Receiving.Servers;

/// <summary>Receive settings as shown to the inbox's administrators: everything but the password.</summary>
public sealed record ReceiveServerView(
    Guid Id, Guid InboxId, string Protocol, string Host, int Port, string Security, bool ValidateCertificate, string Username,
    bool HasPassword, IReadOnlyList<string> Folders, bool LeaveOnServer, int? DeleteAfterDays, bool UseIdle, int PollSeconds, DateTime CreatedAt)
{
    public static ReceiveServerView From(ReceiveServer s) => new(s.Id, s.InboxId, ReceiveServerRules.Name(s.Protocol), s.Host, s.Port,
        ReceiveServerRules.Name(s.Security), s.ValidateCertificate, s.Username, s.ProtectedPassword.Length > 0, s.Folders, s.LeaveOnServer,
        s.DeleteAfterDays, s.UseIdle, s.PollSeconds, s.CreatedAt);
}

public sealed class ListReceiveServersQuery(MadoguchiDbContext db)
{
    public async Task<Result<IReadOnlyList<ReceiveServerView>>> HandleAsync(Actor actor, Guid inboxId, CancellationToken ct)
    {
        var access = await db.RequireRoleAsync(actor, inboxId, InboxRole.Administrator, ct);
        if (!access.Succeeded)
            return access.Error!;
        var servers = await db.ReceiveServers.AsNoTracking().Where(s => s.InboxId == inboxId).OrderBy(s => s.CreatedAt).ToListAsync(ct);
        return servers.Select(ReceiveServerView.From).ToList();
    }
}

public sealed class CreateReceiveServerCommand(MadoguchiDbContext db, ReceivePasswordProtector passwords, AuditTrail audit, FetchTrigger trigger, TimeProvider time, IOptions<ReceivingOptions> options)
{
    public async Task<Result<ReceiveServerView>> HandleAsync(Actor actor, Guid inboxId, ReceiveServerInput input, CancellationToken ct)
    {
        var access = await db.RequireRoleAsync(actor, inboxId, InboxRole.Administrator, ct);
        if (!access.Succeeded)
            return access.Error!;
        if (await db.ReceiveServers.CountAsync(s => s.InboxId == inboxId, ct) >= ReceiveServer.MaxPerInbox)
            return new Error(ErrorKind.Conflict, "too_many_receive_servers", $"An inbox can fetch from at most {ReceiveServer.MaxPerInbox} servers. Remove one first.");
        var protocol = ReceiveServerRules.ParseProtocol(input.Protocol);
        if (!protocol.Succeeded)
            return protocol.Error!;
        var security = ReceiveServerRules.ParseSecurity(input.Security ?? "tls");
        if (!security.Succeeded)
            return security.Error!;
        if (string.IsNullOrEmpty(input.Password))
            return new Error(ErrorKind.Invalid, "password_required", "password is required.");
        var server = new ReceiveServer
        {
            AccountId = access.Value.Inbox.AccountId,
            InboxId = inboxId,
            Protocol = protocol.Value,
            Host = input.Host?.Trim() ?? "",
            Port = input.Port ?? ReceiveServerRules.DefaultPort(protocol.Value, security.Value),
            Security = security.Value,
            ValidateCertificate = input.ValidateCertificate ?? true,
            Username = input.Username?.Trim() ?? "",
            ProtectedPassword = passwords.Protect(input.Password),
            Folders = input.Folders is { Count: > 0 } f ? [.. f.Select(x => x.Trim())] : ["INBOX"],
            LeaveOnServer = input.LeaveOnServer ?? true,
            DeleteAfterDays = input.ClearDeleteAfterDays ? null : input.DeleteAfterDays ?? 14,
            UseIdle = input.UseIdle ?? true,
            PollSeconds = input.PollSeconds ?? 60,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        if (ReceiveServerRules.Check(server, options.Value.MinPollSeconds) is { } problem)
            return problem;
        db.ReceiveServers.Add(server);
        audit.Record(AuditAction.ReceiveServerAdded, server.AccountId, actor, detail: $"{ReceiveServerRules.Name(server.Protocol)} {server.Username}@{server.Host}:{server.Port}");
        await db.SaveChangesAsync(ct);
        trigger.FetchSoon(server.Id);
        return ReceiveServerView.From(server);
    }
}

public sealed class UpdateReceiveServerCommand(MadoguchiDbContext db, ReceivePasswordProtector passwords, AuditTrail audit, FetchTrigger trigger, IOptions<ReceivingOptions> options)
{
    public async Task<Result<ReceiveServerView>> HandleAsync(Actor actor, Guid inboxId, Guid serverId, ReceiveServerInput input, CancellationToken ct)
    {
        var access = await db.RequireRoleAsync(actor, inboxId, InboxRole.Administrator, ct);
        if (!access.Succeeded)
            return access.Error!;
        var server = await db.ReceiveServers.SingleOrDefaultAsync(s => s.Id == serverId && s.InboxId == inboxId, ct);
        if (server is null)
            return Error.NotFound("The receive server");
        if (input.Protocol is not null)
        {
            var protocol = ReceiveServerRules.ParseProtocol(input.Protocol);
            if (!protocol.Succeeded)
                return protocol.Error!;
            if (protocol.Value != server.Protocol)
                return new Error(ErrorKind.Invalid, "protocol_immutable", "The protocol of a receive server cannot change; add a new server and remove this one.");
        }
        if (input.Security is not null)
        {
            var security = ReceiveServerRules.ParseSecurity(input.Security);
            if (!security.Succeeded)
                return security.Error!;
            server.Security = security.Value;
        }
        if (input.Host is not null)
            server.Host = input.Host.Trim();
        if (input.Port is { } port)
            server.Port = port;
        if (input.ValidateCertificate is { } validate)
            server.ValidateCertificate = validate;
        if (input.Username is not null)
            server.Username = input.Username.Trim();
        if (!string.IsNullOrEmpty(input.Password))
            server.ProtectedPassword = passwords.Protect(input.Password);
        if (input.Folders is { } folders)
            server.Folders = [.. folders.Select(f => f.Trim())];
        if (input.LeaveOnServer is { } leave)
            server.LeaveOnServer = leave;
        if (input.ClearDeleteAfterDays)
            server.DeleteAfterDays = null;
        else if (input.DeleteAfterDays is { } days)
            server.DeleteAfterDays = days;
        if (input.UseIdle is { } idle)
            server.UseIdle = idle;
        if (input.PollSeconds is { } poll)
            server.PollSeconds = poll;
        if (ReceiveServerRules.Check(server, options.Value.MinPollSeconds) is { } problem)
            return problem;
        audit.Record(AuditAction.ReceiveServerChanged, server.AccountId, actor, detail: $"{ReceiveServerRules.Name(server.Protocol)} {server.Username}@{server.Host}:{server.Port}");
        await db.SaveChangesAsync(ct);
        trigger.FetchSoon(server.Id);
        return ReceiveServerView.From(server);
    }
}

public sealed class DeleteReceiveServerCommand(MadoguchiDbContext db, AuditTrail audit)
{
    /// <summary>Removes the settings and the server's positions; stored messages stay.</summary>
    public async Task<Result> HandleAsync(Actor actor, Guid inboxId, Guid serverId, CancellationToken ct)
    {
        var access = await db.RequireRoleAsync(actor, inboxId, InboxRole.Administrator, ct);
        if (!access.Succeeded)
            return access.Error!;
        var server = await db.ReceiveServers.SingleOrDefaultAsync(s => s.Id == serverId && s.InboxId == inboxId, ct);
        if (server is null)
            return Error.NotFound("The receive server");
        db.ReceiveServers.Remove(server);
        audit.Record(AuditAction.ReceiveServerRemoved, server.AccountId, actor, detail: $"{ReceiveServerRules.Name(server.Protocol)} {server.Username}@{server.Host}:{server.Port}");
        await db.SaveChangesAsync(ct);
        return Result.Ok();
    }
}
