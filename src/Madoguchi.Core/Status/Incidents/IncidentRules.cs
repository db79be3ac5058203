using Madoguchi.Core.Common;

namespace Madoguchi.Core.Status.Incidents;

/// <summary>The checks shared by creating an incident and posting an update to it.</summary>
internal static class IncidentRules
{
    public static Error OperatorsOnly() => new(ErrorKind.Forbidden, "operators_only", "Only the people running this installation can do this.");

    public static bool IsOperator(Actor actor) => actor.Kind is ActorKind.Operator or ActorKind.ServerConsole;

    public static Error? CheckMessage(string? message) =>
        string.IsNullOrWhiteSpace(message) || message.Length > IncidentUpdate.MaxMessageLength
            ? new Error(ErrorKind.Invalid, "invalid_message", $"The update message is required, at most {IncidentUpdate.MaxMessageLength} characters.")
            : null;

    public static Error? CheckComponents(IReadOnlyList<AffectedComponent>? components)
    {
        if (components is null)
            return null;
        if (components.Any(c => !Enum.IsDefined(c.Component) || !Enum.IsDefined(c.State)))
            return new Error(ErrorKind.Invalid, "invalid_component", "Unknown component or state.");
        if (components.Select(c => c.Component).Distinct().Count() != components.Count)
            return new Error(ErrorKind.Invalid, "duplicate_component", "Each component may be named once.");
        return null;
    }

    public static Error? CheckStatus(IncidentStatus? status) =>
        status is { } s && !Enum.IsDefined(s) ? new Error(ErrorKind.Invalid, "invalid_status", "Unknown incident status.") : null;

    public static void SetComponents(Incident incident, IReadOnlyList<AffectedComponent> components)
    {
        incident.Components.Clear();
        incident.Components.AddRange(components.Select(c => new IncidentComponent { Component = c.Component, State = c.State }));
    }
}
