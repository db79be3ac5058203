using Madoguchi.Core.Receiving.Parsing;
using Madoguchi.Core.Receiving.Storage;
using Madoguchi.Core.Storage;
using Madoguchi.Core.Tickets;

namespace Madoguchi.Core.Receiving.Pipeline;

/// <summary>What the steps know about one original as it goes through the pipeline. Each step reads what earlier
/// steps left and adds its own part.</summary>
public sealed class InboundMessage(RawMessage raw, ReadOnlyMemory<byte> bytes)
{
    public RawMessage Raw { get; } = raw;

    /// <summary>The original's exact bytes, read from the blob store.</summary>
    public ReadOnlyMemory<byte> Bytes { get; } = bytes;

    /// <summary>Set by the parse step.</summary>
    public ParsedMessage Parsed { get; set; } = null!;

    /// <summary>False when the batch runner knows no earlier run made a message of it (saves looking).</summary>
    public bool MayHavePrevious { get; init; } = true;

    /// <summary>Set by the attachment blob step: the blob of each parsed attachment, in the same order.</summary>
    public IReadOnlyList<BlobRef> AttachmentBlobs { get; set; } = [];

    /// <summary>The ticket message an earlier run made from this original; the pipeline replaces it instead of adding another.</summary>
    public TicketMessage? Previous { get; set; }

    /// <summary>Machine-sent (out-of-office, list, auto-responder): recorded, and later steps (auto replies) must not answer it.</summary>
    public bool IsAutomatic { get; set; }

    /// <summary>Set by the bounce detection step when the message is a delivery failure report (null otherwise).</summary>
    public Bounces.Analysis.BounceReport? Bounce { get; set; }

    /// <summary>The sent message a bounce reports on, when the bounce matching step found it.</summary>
    public TicketMessage? BouncedMessage { get; set; }

    /// <summary>Where a new ticket goes: the inbox, or 迷惑メール when the server flagged the message as spam.</summary>
    public TicketPlace Place { get; set; } = TicketPlace.Inbox;

    /// <summary>Message-IDs threading looks for, best first (set by threading for the whole batch at once).</summary>
    public IReadOnlyList<string>? ThreadCandidates { get; set; }

    /// <summary>The existing ticket this message replies to, when threading found one.</summary>
    public Guid? ThreadTicketId { get; set; }

    /// <summary>Our own sent message coming back in (Sending/SentCopies/OwnSentCopyStep): the steps after it do not run.</summary>
    public bool IsOwnSentCopy { get; set; }

    /// <summary>Set by the store step.</summary>
    public Ticket? Ticket { get; set; }

    public TicketMessage? Stored { get; set; }

    /// <summary>The id the store step gives the ticket message it creates (null: it makes one). Chosen for the whole
    /// transaction before its first message, so the search keys derived from these ids are checked in one query
    /// (<see cref="Search.SearchIndexStep"/>) instead of one query per message while the transaction holds the writer.</summary>
    public Guid? NewMessageId { get; set; }

    /// <summary>The body folded for search before the transaction (SearchFoldStep).</summary>
    public Search.FoldedBody? SearchBody { get; set; }
}
