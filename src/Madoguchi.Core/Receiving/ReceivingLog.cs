using Microsoft.Extensions.Logging;

namespace Madoguchi.Core.Receiving;

/// <summary>Log messages of receiving, event ids 2000–2999.</summary>
internal static partial class ReceivingLog
{
    [LoggerMessage(2001, LogLevel.Debug, "Server {ServerId}: committed {Stored} new, {Duplicates} duplicates, {Issues} issues ({Done}/{Total})")]
    public static partial void BatchCommitted(ILogger logger, Guid serverId, int stored, int duplicates, int issues, long done, long total);

    [LoggerMessage(2002, LogLevel.Information, "Server {ServerId}: a concurrent fetch stored the same messages (attempt {Attempt}); re-reading")]
    public static partial void CommitRaced(ILogger logger, Guid serverId, int attempt);

    [LoggerMessage(2003, LogLevel.Warning, "Server {ServerId}: UIDVALIDITY of {Folder} changed from {Old} to {New}; resynchronising by content")]
    public static partial void UidValidityChanged(ILogger logger, Guid serverId, string folder, long old, long @new);

    [LoggerMessage(2004, LogLevel.Warning, "Server {ServerId}: the server refused a batch in {Folder} ({Reason}); fetching one by one")]
    public static partial void BatchRefused(ILogger logger, Guid serverId, string folder, string reason);

    [LoggerMessage(2005, LogLevel.Information, "Server {ServerId}: pass done, {Stored} stored, {Duplicates} duplicates, {Issues} issues in {Milliseconds:F0} ms")]
    public static partial void PassDone(ILogger logger, Guid serverId, int stored, int duplicates, int issues, double milliseconds);

    [LoggerMessage(2006, LogLevel.Warning, "Server {ServerId}: pass failed with {Code}: {Detail} ({Stored} stored before)")]
    public static partial void PassFailed(ILogger logger, Guid serverId, string code, string detail, int stored);

    [LoggerMessage(2007, LogLevel.Warning, "Server {ServerId}: fetch lease lost to another instance; stopping this pass")]
    public static partial void LeaseLost(ILogger logger, Guid serverId);

    [LoggerMessage(2008, LogLevel.Warning, "Server {ServerId}: lease renewal failed: {Reason}")]
    public static partial void LeaseRenewalFailed(ILogger logger, Guid serverId, string reason);

    [LoggerMessage(2010, LogLevel.Information, "Mail fetch worker started as instance {InstanceId}")]
    public static partial void WorkerStarted(ILogger logger, string instanceId);

    [LoggerMessage(2011, LogLevel.Error, "Mail fetch worker: a pass of server {ServerId} crashed")]
    public static partial void WorkerPassCrashed(ILogger logger, Guid serverId, Exception exception);

    [LoggerMessage(2012, LogLevel.Warning, "Mail fetch worker: could not read the receive servers")]
    public static partial void WorkerListFailed(ILogger logger, Exception exception);

    [LoggerMessage(2020, LogLevel.Debug, "Server {ServerId}: IDLE reports new mail")]
    public static partial void IdleNewMail(ILogger logger, Guid serverId);

    [LoggerMessage(2021, LogLevel.Information, "Server {ServerId}: IDLE stopped ({Reason}); polling continues")]
    public static partial void IdleStopped(ILogger logger, Guid serverId, string reason);

    [LoggerMessage(2030, LogLevel.Warning, "Server {ServerId}: the server would not give {Position} ({Code}: {ServerText}); attempt {Attempts}, asked again later")]
    public static partial void MessageRefused(ILogger logger, Guid serverId, string position, string code, string serverText, int attempts);

    [LoggerMessage(2031, LogLevel.Information, "Server {ServerId}: settings point at another mailbox; positions reset")]
    public static partial void MailboxReset(ILogger logger, Guid serverId);

    [LoggerMessage(2032, LogLevel.Warning, "Server {ServerId}: the POP3 mailbox no longer holds what was fetched under its UIDLs; fetched afresh as mailbox generation {Generation}, nothing deleted")]
    public static partial void MailboxReplaced(ILogger logger, Guid serverId, int generation);
}
