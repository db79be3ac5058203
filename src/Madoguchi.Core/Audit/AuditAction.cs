namespace Madoguchi.Core.Audit;

/// <summary>What an audit entry records. Stored by name, so new actions never renumber old rows.</summary>
public enum AuditAction
{
    SignInFailed,
    UserLocked,
    UserUnlocked,
    OwnerGranted,
    OwnerRevoked,
    UserCreated,
    UserUpdated,
    UserDeleted,
    InvitationAccepted,
    PasswordChanged,
    InboxCreated,
    InboxDeleted,
    InboxRoleChanged,
    ApiTokenCreated,
    ApiTokenRevoked,
    ReceiveServerAdded,
    ReceiveServerChanged,
    ReceiveServerRemoved,
    OperatorUnlocked,
    OperatorTokenCreated,
    AccountTimeZoneChanged,
    OperatorSignInFailed,
    OperatorLocked,
    IncidentCreated,
    IncidentUpdated,
    IncidentResolved,
    MaintenanceScheduled,
    MaintenanceCancelled,
}
