using System.Text.Json;
using System.Text.Json.Serialization;
using Madoguchi.Core.Bounces.Analysis;

namespace Madoguchi.Core.Bounces;

/// <summary>What is kept on a sent message that bounced (<see cref="Tickets.TicketMessage.BounceJson"/>) and shown in the API.</summary>
public sealed record MessageBounce(
    [property: JsonPropertyName("recipients")] IReadOnlyList<MessageBounceRecipient> Recipients,
    [property: JsonPropertyName("receivedAt")] DateTime ReceivedAt)
{
    public static MessageBounce From(BounceReport report, DateTime receivedAt) => new(
        report.Recipients.Select(r => new MessageBounceRecipient(r.Address, r.Status, r.Reason, r.HardBounce)).ToList(), receivedAt);

    public string ToJson() => JsonSerializer.Serialize(this);

    public static MessageBounce? FromJson(string? json) => json is null ? null : JsonSerializer.Deserialize<MessageBounce>(json);
}

public sealed record MessageBounceRecipient(
    [property: JsonPropertyName("address")] string Address,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("hardbounce")] bool HardBounce);
