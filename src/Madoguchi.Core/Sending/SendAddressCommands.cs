using Madoguchi.Core.Audit;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;
using Madoguchi.Core.Plans;
using Madoguchi.Core.Receiving.Servers;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Sending;

/// <summary>Send settings as a client sends them. On update, null means "leave as is" (the password above all).</summary>
public sealed record SendAddressInput(
    string? Address,
    string? DisplayName,
    bool? IsDefault,
    string? Host,
    int? Port,
    string? Security,
    bool? ValidateCertificate,
    string? Authentication,
    string? Username,
    string? Password,
    bool? Iso2022Jp,
    bool? CopyToSentFolder = null,
    string? SentFolder = null,
    bool? Verp = null);

/// <summary>Send settings as shown to the inbox's administrators: everything but the password. <see cref="LastSentCopy"/>:
/// how the latest copy to the Sent folder went, when it failed or is being retried (null when it went well).</summary>
public sealed record SendAddressView(
    Guid Id, Guid InboxId, string Address, string DisplayName, bool IsDefault, string Host, int Port, string Security,
    bool ValidateCertificate, string Authentication, string Username, bool HasPassword, bool Iso2022Jp, DateTime CreatedAt,
    bool CopyToSentFolder = false, string SentFolder = "", bool Verp = false, SentCopies.SentCopyView? LastSentCopy = null)
{
    public static SendAddressView From(SendAddress s) => new(s.Id, s.InboxId, s.Address, s.DisplayName, s.IsDefault, s.Host, s.Port,
        ReceiveServerRules.Name(s.Security), s.ValidateCertificate, SendAddressRules.Name(s.Authentication), s.Username,
        s.ProtectedPassword.Length > 0, s.Iso2022Jp, s.CreatedAt, s.CopyToSentFolder, s.SentFolder, s.Verp);
}

/// <summary>Validation of send settings with messages that say what to change.</summary>
public static class SendAddressRules
{
    public static Result<SmtpAuthentication> ParseAuthentication(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "none" => SmtpAuthentication.None,
        "plain" => SmtpAuthentication.Plain,
        "login" => SmtpAuthentication.Login,
        "cram-md5" or "crammd5" => SmtpAuthentication.CramMd5,
        _ => new Error(ErrorKind.Invalid, "authentication_invalid", "authentication must be \"none\", \"plain\", \"login\" or \"cram-md5\"."),
    };

    public static string Name(SmtpAuthentication authentication) => authentication switch
    {
        SmtpAuthentication.Plain => "plain",
        SmtpAuthentication.Login => "login",
        SmtpAuthentication.CramMd5 => "cram-md5",
        _ => "none",
    };

    /// <summary>587 (submission, STARTTLS), 465 (SMTPS), 25 without TLS.</summary>
    public static int DefaultPort(MailSecurity security) => security switch
    {
        MailSecurity.StartTls => 587,
        MailSecurity.Tls => 465,
        _ => 25,
    };

    public static Error? Check(SendAddress address)
    {
        if (!Emails.IsValid(address.Address))
            return Invalid("address_invalid", "address must be an email address such as support@example.co.jp.");
        if (address.DisplayName.Length > 200 || address.DisplayName.IndexOfAny(['\r', '\n']) >= 0)
            return Invalid("display_name_invalid", "displayName must be at most 200 characters on one line.");
        if (string.IsNullOrWhiteSpace(address.Host) || address.Host.Length > 253 || Uri.CheckHostName(address.Host.Trim('[', ']')) == UriHostNameType.Unknown)
            return Invalid("host_invalid", "host must be a host name such as smtp.example.co.jp or an IP address.");
        if (address.Port is < 1 or > 65535)
            return Invalid("port_invalid", "port must be between 1 and 65535.");
        if (address.Authentication != SmtpAuthentication.None && (string.IsNullOrWhiteSpace(address.Username) || address.Username.Length > 320))
            return Invalid("username_invalid", "username is required with authentication (at most 320 characters).");
        if (address.Authentication != SmtpAuthentication.None && address.ProtectedPassword.Length == 0)
            return Invalid("password_required", "password is required with authentication.");
        if (address.SentFolder.Length > 200 || address.SentFolder.Any(char.IsControl))
            return Invalid("sent_folder_invalid", "sentFolder must be a folder name of at most 200 characters on one line.");
        if (address.Verp && Verp.Address(address.Address, new string('a', Verp.TokenLength)) is null)
            return Invalid("verp_address_too_long", $"VERP needs a shorter address: the part before @ may have at most {64 - 3 - Verp.TokenLength} characters.");
        return null;
    }

    internal static Error Invalid(string code, string message) => new(ErrorKind.Invalid, code, message);

    /// <summary>Exactly one default per inbox: the chosen one, or the first when none is chosen.</summary>
    internal static async Task KeepOneDefaultAsync(MadoguchiDbContext db, Guid inboxId, SendAddress? chosen, CancellationToken ct)
    {
        var all = await db.SendAddresses.Where(a => a.InboxId == inboxId).ToListAsync(ct);
        if (chosen is not null && !all.Contains(chosen))
            all.Add(chosen);
        var keep = chosen is { IsDefault: true } ? chosen : all.FirstOrDefault(a => a.IsDefault) ?? all.OrderBy(a => a.CreatedAt).FirstOrDefault();
        foreach (var a in all)
            a.IsDefault = ReferenceEquals(a, keep);
    }
}

public sealed class ListSendAddressesQuery(MadoguchiDbContext db)
{
    public async Task<Result<IReadOnlyList<SendAddressView>>> HandleAsync(Actor actor, Guid inboxId, CancellationToken ct)
    {
        var access = await db.RequireRoleAsync(actor, inboxId, InboxRole.Administrator, ct);
        if (!access.Succeeded)
            return access.Error!;
        var list = await db.SendAddresses.AsNoTracking().Where(s => s.InboxId == inboxId).OrderBy(s => s.CreatedAt).ToListAsync(ct);
        var views = new List<SendAddressView>();
        foreach (var address in list)
        {
            var view = SendAddressView.From(address);
            // How the latest copy to the Sent folder went: shown here only when it failed or is being retried.
            var last = !address.CopyToSentFolder ? null : await db.Set<SentCopies.SentFolderCopy>().AsNoTracking()
                .Where(c => c.SendAddressId == address.Id && c.LastAttemptAt != null).OrderByDescending(c => c.LastAttemptAt).FirstOrDefaultAsync(ct);
            views.Add(last is { ErrorCode: not null } ? view with { LastSentCopy = SentCopies.SentCopyView.From(last) } : view);
        }
        return views;
    }
}

public sealed class CreateSendAddressCommand(MadoguchiDbContext db, SendPasswordProtector passwords, AuditTrail audit, TimeProvider time, LimitChecks plan)
{
    public async Task<Result<SendAddressView>> HandleAsync(Actor actor, Guid inboxId, SendAddressInput input, CancellationToken ct)
    {
        var access = await db.RequireRoleAsync(actor, inboxId, InboxRole.Administrator, ct);
        if (!access.Succeeded)
            return access.Error!;
        if (await plan.CheckCustomSmtpAsync(access.Value.Inbox.AccountId, ct) is { } notInPlan)
            return notInPlan;
        if (await db.SendAddresses.CountAsync(s => s.InboxId == inboxId, ct) >= SendAddress.MaxPerInbox)
            return new Error(ErrorKind.Conflict, "too_many_send_addresses", $"An inbox can have at most {SendAddress.MaxPerInbox} send addresses. Remove one first.");
        var security = ReceiveServerRules.ParseSecurity(input.Security ?? "starttls");
        if (!security.Succeeded)
            return security.Error!;
        var authentication = SendAddressRules.ParseAuthentication(input.Authentication ?? "plain");
        if (!authentication.Succeeded)
            return authentication.Error!;
        var address = new SendAddress
        {
            AccountId = access.Value.Inbox.AccountId,
            InboxId = inboxId,
            Address = input.Address?.Trim() ?? "",
            DisplayName = input.DisplayName?.Trim() ?? "",
            IsDefault = input.IsDefault ?? false,
            Host = input.Host?.Trim() ?? "",
            Port = input.Port ?? SendAddressRules.DefaultPort(security.Value),
            Security = security.Value,
            ValidateCertificate = input.ValidateCertificate ?? true,
            Authentication = authentication.Value,
            Username = input.Username?.Trim() ?? "",
            ProtectedPassword = string.IsNullOrEmpty(input.Password) ? "" : passwords.Protect(input.Password),
            Iso2022Jp = input.Iso2022Jp ?? false,
            CopyToSentFolder = input.CopyToSentFolder ?? false,
            SentFolder = input.SentFolder?.Trim() ?? "",
            Verp = input.Verp ?? false,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        if (SendAddressRules.Check(address) is { } problem)
            return problem;
        db.SendAddresses.Add(address);
        await SendAddressRules.KeepOneDefaultAsync(db, inboxId, address, ct);
        audit.Record(AuditAction.SendAddressAdded, address.AccountId, actor, detail: $"{address.Address} via {address.Host}:{address.Port}");
        await db.SaveChangesAsync(ct);
        return SendAddressView.From(address);
    }
}

/// <summary>Changes send settings. Like receive settings, a change of where the password goes (host, port, security,
/// certificate check, user name) needs the password again (<c>password_required</c>).</summary>
public sealed class UpdateSendAddressCommand(MadoguchiDbContext db, SendPasswordProtector passwords, AuditTrail audit, LimitChecks plan)
{
    public async Task<Result<SendAddressView>> HandleAsync(Actor actor, Guid inboxId, Guid addressId, SendAddressInput input, CancellationToken ct)
    {
        var access = await db.RequireRoleAsync(actor, inboxId, InboxRole.Administrator, ct);
        if (!access.Succeeded)
            return access.Error!;
        var address = await db.SendAddresses.SingleOrDefaultAsync(s => s.Id == addressId && s.InboxId == inboxId, ct);
        if (address is null)
            return Error.NotFound("The send address");
        var before = (address.Host, address.Port, address.Security, address.ValidateCertificate, address.Username);
        if (input.Security is not null)
        {
            var security = ReceiveServerRules.ParseSecurity(input.Security);
            if (!security.Succeeded)
                return security.Error!;
            address.Security = security.Value;
        }
        if (input.Authentication is not null)
        {
            var authentication = SendAddressRules.ParseAuthentication(input.Authentication);
            if (!authentication.Succeeded)
                return authentication.Error!;
            address.Authentication = authentication.Value;
        }
        if (input.Address is not null)
            address.Address = input.Address.Trim();
        if (input.DisplayName is not null)
            address.DisplayName = input.DisplayName.Trim();
        if (input.Host is not null)
            address.Host = input.Host.Trim();
        if (input.Port is { } port)
            address.Port = port;
        if (input.ValidateCertificate is { } validate)
            address.ValidateCertificate = validate;
        if (input.Username is not null)
            address.Username = input.Username.Trim();
        if (input.Iso2022Jp is { } iso)
            address.Iso2022Jp = iso;
        if (input.CopyToSentFolder is { } copy)
            address.CopyToSentFolder = copy;
        if (input.SentFolder is not null)
            address.SentFolder = input.SentFolder.Trim();
        if (input.Verp is { } verp)
            address.Verp = verp;
        var after = (address.Host, address.Port, address.Security, address.ValidateCertificate, address.Username);
        if (!before.Equals(after) && await plan.CheckCustomSmtpAsync(address.AccountId, ct) is { } notInPlan)
            return notInPlan;
        if (!before.Equals(after) && address.ProtectedPassword.Length > 0 && string.IsNullOrEmpty(input.Password))
            return SendAddressRules.Invalid("password_required", "Enter the SMTP password again: the change sends it to a different place.");
        if (!string.IsNullOrEmpty(input.Password))
            address.ProtectedPassword = passwords.Protect(input.Password);
        if (address.Authentication == SmtpAuthentication.None && input.Authentication is not null)
            address.ProtectedPassword = "";
        if (SendAddressRules.Check(address) is { } problem)
            return problem;
        if (input.IsDefault is { } isDefault)
        {
            address.IsDefault = isDefault;
            await SendAddressRules.KeepOneDefaultAsync(db, inboxId, isDefault ? address : null, ct);
        }
        audit.Record(AuditAction.SendAddressChanged, address.AccountId, actor, detail: $"{address.Address} via {address.Host}:{address.Port}");
        await db.SaveChangesAsync(ct);
        return SendAddressView.From(address);
    }
}

public sealed class DeleteSendAddressCommand(MadoguchiDbContext db, AuditTrail audit)
{
    /// <summary>Removes the settings; mail already sent stays. A queued message that used them fails with send_address_missing.</summary>
    public async Task<Result> HandleAsync(Actor actor, Guid inboxId, Guid addressId, CancellationToken ct)
    {
        var access = await db.RequireRoleAsync(actor, inboxId, InboxRole.Administrator, ct);
        if (!access.Succeeded)
            return access.Error!;
        var address = await db.SendAddresses.SingleOrDefaultAsync(s => s.Id == addressId && s.InboxId == inboxId, ct);
        if (address is null)
            return Error.NotFound("The send address");
        db.SendAddresses.Remove(address);
        audit.Record(AuditAction.SendAddressRemoved, address.AccountId, actor, detail: address.Address);
        if (address.IsDefault)
        {
            var next = await db.SendAddresses.Where(a => a.InboxId == inboxId && a.Id != addressId).OrderBy(a => a.CreatedAt).FirstOrDefaultAsync(ct);
            if (next is not null)
                next.IsDefault = true;
        }
        await db.SaveChangesAsync(ct);
        return Result.Ok();
    }
}
