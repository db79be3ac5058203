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

/// <summary>Changes receive settings. A change of where the password goes (host, port, security, certificate check or
/// user name) needs the password again (<c>password_required</c>), so that nobody who can edit the settings can send the
/// stored password to a server of their own. A change of mailbox (host, port or user name) starts the server's positions
/// afresh (<see cref="MailboxReset"/>). The audit entry names each changed field with its old and new value.</summary>
public sealed class UpdateReceiveServerCommand(MadoguchiDbContext db, ReceivePasswordProtector passwords, AuditTrail audit, FetchTrigger trigger, IOptions<ReceivingOptions> options)
{
    public const string PasswordRequiredCode = "password_required";

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
        var before = ReceiveServerDestination.Of(server);
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
        var after = ReceiveServerDestination.Of(server);
        var changes = before.Changes(after);
        if (changes.Count > 0 && string.IsNullOrEmpty(input.Password))
            return new Error(ErrorKind.Invalid, PasswordRequiredCode,
                $"Enter the mail server password again: changing {string.Join(", ", changes.Select(c => c.Field))} sends it to a different place.");
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
        var newMailbox = before.MailboxDiffers(after);
        var detail = $"{ReceiveServerRules.Name(server.Protocol)} {server.Username}@{server.Host}:{server.Port}";
        if (changes.Count > 0)
            detail += "; " + string.Join("; ", changes.Select(c => $"{c.Field}: {c.Old} -> {c.New}")) + "; password re-entered";
        else if (!string.IsNullOrEmpty(input.Password))
            detail += "; password changed";
        if (newMailbox)
            detail += "; positions reset (new mailbox)";
        audit.Record(AuditAction.ReceiveServerChanged, server.AccountId, actor, detail: detail.Length > 2000 ? detail[..2000] : detail);
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            if (newMailbox)
                server.MailboxGeneration++;
            await db.SaveChangesAsync(ct);
            if (newMailbox)
                await MailboxReset.ClearPositionsAsync(db, server.Id, ct);
            await transaction.CommitAsync(ct);
        }
        trigger.FetchSoon(server.Id);
        return ReceiveServerView.From(server);
    }
}

/// <summary>Where a receive server's password is sent: the fields whose change needs the password again.</summary>
public sealed record ReceiveServerDestination(string Host, int Port, MailSecurity Security, bool ValidateCertificate, string Username)
{
    public static ReceiveServerDestination Of(ReceiveServer s) => new(s.Host, s.Port, s.Security, s.ValidateCertificate, s.Username);

    public IReadOnlyList<(string Field, string Old, string New)> Changes(ReceiveServerDestination after)
    {
        var list = new List<(string, string, string)>();
        if (!string.Equals(Host, after.Host, StringComparison.OrdinalIgnoreCase))
            list.Add(("host", Host, after.Host));
        if (Port != after.Port)
            list.Add(("port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), after.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (Security != after.Security)
            list.Add(("security", ReceiveServerRules.Name(Security), ReceiveServerRules.Name(after.Security)));
        if (ValidateCertificate != after.ValidateCertificate)
            list.Add(("validateCertificate", ValidateCertificate ? "true" : "false", after.ValidateCertificate ? "true" : "false"));
        if (!string.Equals(Username, after.Username, StringComparison.Ordinal))
            list.Add(("username", Username, after.Username));
        return list;
    }

    /// <summary>Host, port or user name changed: it may be another mailbox, whose positions are not ours.</summary>
    public bool MailboxDiffers(ReceiveServerDestination after) =>
        !string.Equals(Host, after.Host, StringComparison.OrdinalIgnoreCase) || Port != after.Port || !string.Equals(Username, after.Username, StringComparison.Ordinal);
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
