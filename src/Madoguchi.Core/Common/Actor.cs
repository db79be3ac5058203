namespace Madoguchi.Core.Common;

public enum ActorKind
{
    User,
    Operator,
    ServerConsole,
}

/// <summary>Who is asking: a signed-in user of one account, an operator of the installation, or
/// someone at the server's command line. Commands decide what the actor may do; the web layer only builds this.</summary>
public sealed record Actor(ActorKind Kind, Guid Id, Guid? AccountId, string Name, string? IpAddress)
{
    public static Actor User(Guid userId, Guid accountId, string email, string? ip) => new(ActorKind.User, userId, accountId, email, ip);
    public static Actor Operator(Guid operatorId, string email, string? ip) => new(ActorKind.Operator, operatorId, null, $"operator {email}", ip);
    public static Actor ServerConsole() => new(ActorKind.ServerConsole, Guid.Empty, null, "server console", "local");

    public bool IsUser => Kind == ActorKind.User;
}
