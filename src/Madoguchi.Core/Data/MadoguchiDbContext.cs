using Madoguchi.Core.Accounts;
using Madoguchi.Core.Accounts.Tokens;
using Madoguchi.Core.Accounts.Users;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Inboxes;
using Madoguchi.Core.Operators;
using Madoguchi.Core.Receiving.Fetching;
using Madoguchi.Core.Receiving.Servers;
using Madoguchi.Core.Receiving.Storage;
using Madoguchi.Core.Storage;
using Madoguchi.Core.Tickets;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Madoguchi.Core.Data;

/// <summary>The one database context. Entity configurations live in their feature folders and are applied from the assembly.</summary>
public sealed class MadoguchiDbContext(DbContextOptions<MadoguchiDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<Account> Accounts => Set<Account>();
    public DbSet<User> Users => Set<User>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<Inbox> Inboxes => Set<Inbox>();
    public DbSet<InboxRoleAssignment> InboxRoles => Set<InboxRoleAssignment>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<Operator> Operators => Set<Operator>();
    public DbSet<OperatorToken> OperatorTokens => Set<OperatorToken>();
    public DbSet<OperatorRecoveryCode> OperatorRecoveryCodes => Set<OperatorRecoveryCode>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<RawMessage> RawMessages => Set<RawMessage>();
    public DbSet<Ticket> Tickets => Set<Ticket>();
    public DbSet<TicketMessage> TicketMessages => Set<TicketMessage>();
    public DbSet<TicketAttachment> TicketAttachments => Set<TicketAttachment>();
    public DbSet<Tickets.Labels.Label> Labels => Set<Tickets.Labels.Label>();
    public DbSet<Tickets.Labels.TicketLabel> TicketLabels => Set<Tickets.Labels.TicketLabel>();
    public DbSet<Tickets.Reads.TicketRead> TicketReads => Set<Tickets.Reads.TicketRead>();
    public DbSet<Tickets.Labels.PendingReason> PendingReasons => Set<Tickets.Labels.PendingReason>();
    public DbSet<Tickets.Comments.TicketComment> TicketComments => Set<Tickets.Comments.TicketComment>();
    public DbSet<Tickets.History.TicketHistoryEntry> TicketHistory => Set<Tickets.History.TicketHistoryEntry>();
    public DbSet<Tickets.Notifications.Notification> Notifications => Set<Tickets.Notifications.Notification>();
    public DbSet<Tickets.Live.TicketViewer> TicketViewers => Set<Tickets.Live.TicketViewer>();
    public DbSet<Tickets.Counts.TicketBucketDelta> TicketBucketCounts => Set<Tickets.Counts.TicketBucketDelta>();
    public DbSet<Tickets.Counts.TicketLabelDelta> TicketLabelCounts => Set<Tickets.Counts.TicketLabelDelta>();
    public DbSet<Search.SearchDocument> SearchDocuments => Set<Search.SearchDocument>();
    public DbSet<Search.SearchPosting> SearchPostings => Set<Search.SearchPosting>();
    public DbSet<AccountStorageUsage> AccountStorageUsages => Set<AccountStorageUsage>();
    public DbSet<CountedOriginal> CountedOriginals => Set<CountedOriginal>();
    public DbSet<ReceiveServer> ReceiveServers => Set<ReceiveServer>();
    public DbSet<Sending.SendAddress> SendAddresses => Set<Sending.SendAddress>();
    public DbSet<Sending.OutgoingMessage> OutgoingMessages => Set<Sending.OutgoingMessage>();
    public DbSet<Sending.Drafts.ReplyDraft> ReplyDrafts => Set<Sending.Drafts.ReplyDraft>();
    public DbSet<Sending.Uploads.Upload> Uploads => Set<Sending.Uploads.Upload>();
    public DbSet<ImapFolderState> ImapFolderStates => Set<ImapFolderState>();
    public DbSet<Pop3SeenMessage> Pop3SeenMessages => Set<Pop3SeenMessage>();
    public DbSet<FetchLease> FetchLeases => Set<FetchLease>();
    public DbSet<FetchIssue> FetchIssues => Set<FetchIssue>();
    public DbSet<ReceiveRetry> ReceiveRetries => Set<ReceiveRetry>();
    public DbSet<Status.ProbeResult> ProbeResults => Set<Status.ProbeResult>();
    public DbSet<Status.Monitoring.WorkerLease> WorkerLeases => Set<Status.Monitoring.WorkerLease>();
    public DbSet<Status.Monitoring.OperatorAlert> OperatorAlerts => Set<Status.Monitoring.OperatorAlert>();
    public DbSet<Status.Monitoring.ComponentAlertState> ComponentAlertStates => Set<Status.Monitoring.ComponentAlertState>();
    public DbSet<Status.Monitoring.AlertEmail> AlertEmails => Set<Status.Monitoring.AlertEmail>();
    public DbSet<Status.Incidents.Incident> Incidents => Set<Status.Incidents.Incident>();
    public DbSet<Status.Maintenance.MaintenanceWindow> MaintenanceWindows => Set<Status.Maintenance.MaintenanceWindow>();
    public DbSet<Accounts.Lockout.SignInFailureCount> SignInFailureCounts => Set<Accounts.Lockout.SignInFailureCount>();
    public DbSet<Status.SupportDesk.SupportHours> SupportHours => Set<Status.SupportDesk.SupportHours>();
    public DbSet<Status.SupportDesk.SupportClosure> SupportClosures => Set<Status.SupportDesk.SupportClosure>();
    public DbSet<Status.SupportDesk.SupportNotice> SupportNotices => Set<Status.SupportDesk.SupportNotice>();
    public DbSet<Status.SupportDesk.SupportNoticeDismissal> SupportNoticeDismissals => Set<Status.SupportDesk.SupportNoticeDismissal>();
    public DbSet<Plans.Plan> Plans => Set<Plans.Plan>();
    public DbSet<Plans.AccountPlan> AccountPlans => Set<Plans.AccountPlan>();
    public DbSet<Plans.OptionPrice> OptionPrices => Set<Plans.OptionPrice>();
    public DbSet<Plans.OptionRequest> OptionRequests => Set<Plans.OptionRequest>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(MadoguchiDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every timestamp is UTC; SQLite hands back Unspecified, so say what it is on the way out.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
    }

    /// <summary>Public because the compiled models (<see cref="CompiledModels"/>) name it.</summary>
    public sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}
