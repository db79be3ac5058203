namespace Madoguchi.Core.Bounces.Analysis;

/// <summary>What kind of machine mail a message is, in the bounce corpus' vocabulary (<see cref="BounceClasses"/>).</summary>
public enum BounceClass
{
    /// <summary>Ordinary mail: nothing of the below.</summary>
    NotBounce,

    /// <summary>A delivery failure report (permanent or temporary): RFC 3464 or a server's own wording.</summary>
    Bounce,

    /// <summary>An automatic reply (RFC 3834: vacation, out of office): not a failure.</summary>
    Vacation,

    /// <summary>A feedback or abuse report (RFC 5965 ARF, opt-out): not a failure.</summary>
    Feedback,

    /// <summary>A success notice (RFC 3464 with only delivered/relayed/expanded actions).</summary>
    Delivered,
}

public static class BounceClasses
{
    /// <summary>The corpus and CLI spelling of a class.</summary>
    public static string Name(BounceClass value) => value switch
    {
        BounceClass.Bounce => "bounce",
        BounceClass.Vacation => "vacation",
        BounceClass.Feedback => "feedback",
        BounceClass.Delivered => "delivered",
        BounceClass.NotBounce => "not-bounce",
        _ => "not-bounce",
    };
}

/// <summary>One recipient a report is about.</summary>
/// <param name="Address">The failed recipient, lower-cased domain, no angle brackets.</param>
/// <param name="Status">Enhanced status code (RFC 3463) such as 5.1.1; when the report gives none, a code of the
/// 5.0.9xx / 4.0.9xx family that stands for the reason (see the Bounces README).</param>
/// <param name="ReplyCode">The SMTP reply code (550) when the report quotes one, else empty.</param>
/// <param name="Reason">Category such as userunknown, mailboxfull, filtered, blocked (<see cref="BounceReasons"/>).</param>
/// <param name="HardBounce">True when mailing the address again is pointless (no such user or domain, moved, refuses mail).</param>
/// <param name="Diagnostic">The remote server's words, on one line.</param>
public sealed record BouncedRecipient(string Address, string Status, string ReplyCode, string Reason, bool HardBounce, string Diagnostic);

/// <summary>The result of reading one message.</summary>
/// <param name="OriginalMessageId">Message-ID of the returned original (without angle brackets), when the report carries its headers.</param>
/// <param name="OriginalInReplyTo">In-Reply-To of the returned original, when present.</param>
public sealed record BounceReport(BounceClass Class, IReadOnlyList<BouncedRecipient> Recipients, string? OriginalMessageId, string? OriginalInReplyTo)
{
    public static readonly BounceReport NotBounce = new(BounceClass.NotBounce, [], null, null);

    public bool IsBounce => Class == BounceClass.Bounce;
}
