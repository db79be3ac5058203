namespace Madoguchi.Core.Bounces.Analysis;

/// <summary>Reason categories and the general rules that give them: phrases servers use in their diagnostics, then the
/// enhanced status code (RFC 3463 subject and detail), then the SMTP reply code. Phrases win over codes because many
/// servers send a generic code (5.0.0, 550) with precise words.</summary>
public static class BounceReasons
{
    public const string UserUnknown = "userunknown";
    public const string HostUnknown = "hostunknown";
    public const string MailboxFull = "mailboxfull";
    public const string MesgTooBig = "mesgtoobig";
    public const string ExceedLimit = "exceedlimit";
    public const string Filtered = "filtered";
    public const string Blocked = "blocked";
    public const string Rejected = "rejected";
    public const string PolicyViolation = "policyviolation";
    public const string SpamDetected = "spamdetected";
    public const string SecurityError = "securityerror";
    public const string VirusDetected = "virusdetected";
    public const string Expired = "expired";
    public const string NetworkError = "networkerror";
    public const string SystemError = "systemerror";
    public const string SystemFull = "systemfull";
    public const string Suspend = "suspend";
    public const string NoRelaying = "norelaying";
    public const string NotAccept = "notaccept";
    public const string HasMoved = "hasmoved";
    public const string TooManyConn = "toomanyconn";
    public const string ContentError = "contenterror";
    public const string MailerError = "mailererror";
    public const string SyntaxError = "syntaxerror";
    public const string OnHold = "onhold";
    public const string Undefined = "undefined";
    public const string Feedback = "feedback";
    public const string Vacation = "vacation";
    public const string Delivered = "delivered";
    public const string AuthFailure = "authfailure";

    /// <summary>Phrase classes, checked in this order on the lower-cased diagnostic (the more specific first).</summary>
    private static readonly (string Reason, string[] Phrases)[] PhraseClasses =
    [
        (VirusDetected, [
            "virus", "malware", "infected", "malicious"]),
        (MesgTooBig, [
            "message too large", "message is too large", "message too big", "message is too big", "message size exceeds", "size exceeds",
            "exceeds the maximum size", "exceeds size limit", "exceeds maximum message size", "message exceeds", "size limit",
            "too large for", "mail size", "message file too big", "larger than the allowed", "exceeded the max message size",
            "line limit exceeded"]),
        (ExceedLimit, [
            "message length exceeds administrative limit"]),
        (MailboxFull, [
            "mailbox full", "mailbox is full", "mailbox was full", "mailbox has exceeded", "mailbox size limit", "over quota", "overquota",
            "quota exceeded", "exceeded quota", "quota exceed", "exceeded storage", "storage allocation", "mailfolder is full",
            "mail folder is full", "inbox is full", "disk quota", "too much mail data", "mailbox exceeds", "out of storage space",
            "exceeds its storage", "user's quota", "user is over", "insufficient mailbox", "maildir over", "full mailbox", "mailbox quota",
            "exceeded the storage", "account is full", "recipient's mailbox is full", "not enough space in mailbox",
            "not enough disk space"]),
        (SystemFull, [
            "insufficient system storage", "insufficient disk space", "no space left", "disk full", "system is full", "mail system full",
            "insufficient system resources"]),
        (SystemError, ["does not support tls"]),
        (SpamDetected, [
            "spam classification", "classified as spam", "detected as spam"]),
        (Blocked, [
            "my name was rejected", "refused to talk to me", "after initial connection", "your isp", "sending ip", "rdns", "reputation", "invalid ip", "dns ptr", "not accepting connections"]),
        (Rejected, [
            "groups.google.com/support", "sender address rejected", "domain of sender", "sender rejected", "sender was rejected", "sender denied",
            "sender verification", "invalid sender", "sender unknown", "bad sender", "unroutable sender", "sender domain", "投稿する権限", "not a member",
            "permission to post", "not allowed to post", "sender address rejected", "sender rejected", "sender denied", "domain of sender",
            "sender domain", "sender verification", "bad sender", "invalid sender", "sender unknown"]),
        (AuthFailure, [
            "dmarc", "spf record", "spf check", "fails to pass spf", "dkim", "authentication checks", "unauthenticated email",
            "authentication information"]),
        (MailerError, [
            "procmail", "mailer error", "unknown mailer"]),
        (HasMoved, [
            "has moved", "address has changed", "address changed", "no longer at this address"]),
        (Suspend, [
            "account disabled", "account has been disabled", "account is disabled", "mailbox disabled", "mailbox is disabled",
            "mailbox has been disabled", "account suspended", "account has been suspended", "account is suspended", "suspended",
            "mailbox is inactive", "account is inactive", "inactive account", "account inactive", "mailbox inactive", "not active",
            "disabled recipient", "account is locked", "account has been locked", "mailbox unavailable due to", "temporarily disabled",
            "account expired", "this account has been", "recipient is deactivated", "deactivated", "account is blocked"]),
        (NoRelaying, [
            "relay denied", "relaying denied", "relay access denied", "relay not permitted", "not permitted to relay", "unable to relay",
            "relaying not allowed", "relaying is not allowed", "relay not allowed", "we do not relay", "not allowed to relay",
            "not a gateway", "no relaying", "relay prohibited", "cannot relay", "relaying mail to", "open relay", "to relay"]),
        (NotAccept, [
            "does not accept mail", "not accepting mail", "accepts no mail", "null mx", "no mail accepted", "doesn't receive email",
            "does not receive email"]),
        (HostUnknown, ["host or domain name not found", "account or domain may not exist"]),
        (NetworkError, [
            "name service error", "network error", "no mx found", "dns error", "dns type", "temporary lookup failure",
            "malformed or unexpected name server reply", "dns query failed"]),
        (HostUnknown, [
            "host unknown", "unknown host", "host not found", "domain not found", "domain does not exist", "domain name not found",
            "name or service not known", "no such domain", "unrouteable domain", "unroutable domain", "unrouteable address",
            "unroutable address", "illegal host/domain", "host or domain name not found", "nxdomain", "domain is not valid", "no mx",
            "unknown domain", "invalid domain", "domain unknown", "non-existent domain", "nonexistent domain", "could not be resolved",
            "hostname lookup failed", "name server timeout", "host name lookup failure", "couldn't find a mail exchanger"]),
        (UserUnknown, [
            "user unknown", "unknown user", "no such user", "user not found", "user does not exist", "user doesn't exist",
            "unknown recipient", "recipient unknown", "no such recipient", "recipient not found", "recipient does not exist",
            "recipient address rejected: user", "invalid recipient", "invalid mailbox", "no such mailbox", "mailbox not found",
            "mailbox does not exist", "mailbox doesn't exist", "no mailbox", "not a valid mailbox", "unknown mailbox", "mailbox unknown",
            "address does not exist", "address doesn't exist", "does not exist", "doesn't exist", "addressee unknown", "unknown address",
            "bad destination mailbox", "unknown local part", "no such address", "address is correct", "ディレクトリのリストにありません", "存在しません", "宛先不明",
            "見つかりません", "account does not exist", "no such account", "not our customer", "invalid address", "address rejected",
            "address unknown", "address not found", "address couldn't be found", "address could not be found", "not listed in",
            "unknown or illegal alias", "user invalid", "invalid user", "no such person", "does not have an account",
            "is not a valid user", "recipient rejected", "unknown account", "user account is unavailable", "mailbox unavailable",
            "not a known user", "invalid final delivery userid", "no valid recipients", "no user", "recipient no longer", "is unknown", "user not exist",
            "account not found", "doesn't have a"]),
        (TooManyConn, [
            "too many connections", "too many simultaneous", "too many concurrent", "connection limit", "rate limit",
            "receiving mail at a rate", "too many messages", "rate that prevents", "too many sessions", "throttl", "sending rate",
            "exceeded the rate", "too fast", "too many recipients", "recipient limit", "frequency limit"]),
        (NetworkError, [
            "connection refused", "network is unreachable", "no route to host", "lost connection", "connection reset", "connection closed",
            "connection dropped", "timed out while", "mail loop", "loops back to myself", "too many hops", "hop count exceeded",
            "unable to connect", "could not connect", "routing loop", "loop detected"]),
        (SecurityError, [
            "authentication required", "authentication failed", "must authenticate", "tls required", "must issue a starttls",
            "encryption required", "not authorized", "unauthorized", "sender verify", "verification failed", "security policy",
            "certificate", "flagged as spam", "authenticat"]),
        (PolicyViolation, [
            "illegal attachment", "security issue", "content presents", "attachment type", "banned attachment", "prohibited attachment"]),
        (Blocked, ["spamhaus", "blocked using", "dnsbl", "blacklist", "block list", "blocklist", "denylist"]),
        (SpamDetected, [
            "spam", "junk mail", "bulk mail", "unsolicited", "uce ", "message content rejected", "content filter rejected",
            "scored too high", "message refused", "considered as junk"]),
        (Blocked, [
            "blocked", "block list", "blocklist", "blacklist", "black list", "denylist", "spamhaus", "dnsbl", "rbl", " listed ",
            "client host rejected", "reputation", "your ip", "ip address", "banned", "refused to talk", "poor reputation", "reverse dns",
            "reverse lookup", "ptr record", "no ptr", "connection rejected", "not allowed to send mail from", "sender ip",
            "rejected due to ip", "rejecting connection", "hostname does not match"]),
        (PolicyViolation, [
            "policy", "violat", "prohibited", "not allowed", "attachment type", "banned attachment", "forbidden"]),
        (Rejected, [
            "mail from", "access denied", "envelope sender", "sender is not allowed", "sender address", "return path", "from address", "sender blocked"]),
        (Filtered, [
            "recipient preferences",             "filtered", "filter", "refused by the recipient", "rejected by the recipient", "recipient refuses", "recipient has rejected",
            "rejected by recipient", "blocked by the recipient", "user refuses"]),
        (SyntaxError, ["malformed address"]),
        (ContentError, [
            "content error", "invalid header", "malformed", "header error", "message header", "8-bit", "8bit", "improper", "content type"]),
        (SyntaxError, [
            "syntax error", "command unrecognized", "command not recognized", "unrecognized command", "bad sequence", "line too long",
            "invalid command", "not implemented", "malformed address"]),
        (Expired, [
            "timed out", "did not accept our requests to connect", "will be retried", "retried for", "still undelivered",
            "envelope expired", "expired", "failed 20 attempts", "attempts", "not reachable", "could not find a gateway", "delayed",
            "delivery time expired", "retry time exceeded", "retry timeout exceeded", "message expired", "not delivered within",
            "could not be delivered within", "delivery expired", "too long in queue", "queue lifetime", "has been in the queue too long",
            "was not delivered after", "delivery has been delayed", "delivery attempts will continue", "message timed out",
            "timeout waiting", "giving up on", "have been unable to deliver", "unable to deliver for", "retry limit",
            "time limit exceeded", "message has been delayed", "delivery is delayed", "maximum time", "could not deliver for"]),
        (MailerError, [
            "mailer error", "mailer failed", "command failed", "procmail", "pipe to", "unknown mailer", "exit code", "child status",
            "program failed", "local delivery failed", "x-unix", "command died"]),
        (SystemError, [
            "system error", "local error", "internal error", "server error", "temporary failure", "try later", "currently unavailable",
            "resources temporarily unavailable", "service unavailable", "not available", "system problem", "configuration error",
            "i/o error", "input/output error", "write error", "insufficient permission"]),
    ];

    /// <summary>The category of one diagnostic, or null when neither words nor codes say anything.</summary>
    public static string? Classify(string diagnostic, string status, string replyCode)
    {
        var text = diagnostic.ToLowerInvariant();
        var fromStatus = FromStatus(status);
        // A precise status code (not X.0.0 and not a catch-all like X.7.1 / X.1.1 with contrary words) is trusted when the
        // words say nothing more specific.
        var fromWords = text.Length == 0 ? null : FromWords(text);
        if (fromWords is not null)
            return fromWords;
        return fromStatus ?? FromReplyCode(replyCode);
    }

    /// <summary>Codes precise enough to win over the words around them (RFC 3463: moved, mailbox full, over the
    /// administrative size limit, sender address problems).</summary>
    public static string? FromDecisiveStatus(string status) => status.Length >= 5 && status[1] == '.'
        ? status[2..] switch
        {
            "1.6" => HasMoved,
            "2.2" => MailboxFull,
            "2.3" => ExceedLimit,
            "1.7" or "1.8" => Rejected,
            "3.4" => MesgTooBig,
            "4.3" => SystemError,
            _ => null,
        }
        : null;

    /// <summary>The shortest phrase's length: a place in a text where fewer characters are left starts no phrase.</summary>
    private static readonly int ShortestPhrase = PhraseClasses.SelectMany(c => c.Phrases).Min(p => p.Length);

    /// <summary>Characters that make up a phrase's key (its first ones): no phrase is shorter.</summary>
    private static readonly int KeyLength = Math.Min(3, ShortestPhrase);

    /// <summary>Every phrase with the index of its class, by its first <see cref="KeyLength"/> characters, lowest class
    /// first.</summary>
    private static readonly Dictionary<ulong, (string Phrase, int Class)[]> PhrasesByKey = PhraseClasses
        .SelectMany((c, index) => c.Phrases.Select(p => (Phrase: p, Class: index)))
        .GroupBy(p => Key(p.Phrase))
        .ToDictionary(g => g.Key, g => g.OrderBy(p => p.Class).ToArray());

    /// <summary>One bit per hash of a key that some phrase has: a clear bit means no phrase begins here, without a
    /// look-up.</summary>
    private static readonly ulong[] KeyBits = PhrasesByKey.Keys.Aggregate(new ulong[(1 << KeyHashBits) / 64], (bits, key) =>
    {
        var hash = KeyHash(key);
        bits[hash >> 6] |= 1UL << (int)(hash & 63);
        return bits;
    });

    private const int KeyHashBits = 16;

    private static ulong Key(ReadOnlySpan<char> text)
    {
        var key = 0UL;
        for (var i = 0; i < KeyLength; i++)
            key |= (ulong)text[i] << (16 * i);
        return key;
    }

    private static uint KeyHash(ulong key) => (uint)((key * 0x9E3779B97F4A7C15UL) >> (64 - KeyHashBits));

    /// <summary>The reason of the first phrase class (in <see cref="PhraseClasses"/>' order) with a phrase anywhere in the
    /// text, found in one pass: each place in the text is checked against the phrases that begin with its next
    /// characters (most places against none, by one bit), and the lowest class seen wins.</summary>
    public static string? FromWords(string lowerText)
    {
        var text = lowerText.AsSpan();
        var best = int.MaxValue;
        for (var at = 0; at <= text.Length - ShortestPhrase && best > 0; at++)
        {
            var key = Key(text[at..]);
            var hash = KeyHash(key);
            if ((KeyBits[hash >> 6] & (1UL << (int)(hash & 63))) == 0 || !PhrasesByKey.TryGetValue(key, out var phrases))
                continue;
            var rest = text[at..];
            foreach (var (phrase, index) in phrases)
            {
                if (index >= best)
                    break;
                if (rest.StartsWith(phrase, StringComparison.Ordinal))
                    best = index;
            }
        }
        return best == int.MaxValue ? null : PhraseClasses[best].Reason;
    }

    /// <summary>RFC 3463: the subject (second number) and detail (third) of an enhanced status code.</summary>
    public static string? FromStatus(string status)
    {
        var parts = status.Split('.');
        if (parts.Length != 3 || parts[0] is not ("4" or "5"))
            return null;
        var detail = parts[2];
        if (parts[1] == "0" && detail.Length == 3 && detail[0] == '9')
            return FromPseudoDetail(detail);
        return (parts[1], detail) switch
        {
            ("1", "1") or ("1", "3") or ("1", "0") or ("1", "4") or ("1", "5") => UserUnknown,
            ("1", "2") => HostUnknown,
            ("1", "6") => HasMoved,
            ("1", "7") or ("1", "8") => Rejected,
            ("1", "10") => NotAccept,
            ("2", "1") => Suspend,
            ("2", "2") => MailboxFull,
            ("2", "3") => ExceedLimit,
            ("2", "4") => MailerError,
            ("2", _) => Filtered,
            ("3", "0") => OnHold,
            ("3", "1") => SystemFull,
            ("3", "4") => MesgTooBig,
            ("3", _) => SystemError,
            ("4", "7") => Expired,
            ("4", "4") => HostUnknown,
            ("4", _) => NetworkError,
            ("5", "3") => ExceedLimit,
            ("5", _) => SyntaxError,
            ("6", _) => ContentError,
            ("7", "1") => Blocked,
            ("7", "9") => SecurityError,
            ("7", "7") => ContentError,
            ("7", "0") => Blocked,
            ("7", _) => SecurityError,
            _ => null,
        };
    }

    public static string? FromReplyCode(string replyCode) => replyCode switch
    {
        "421" or "450" or "451" => SystemError,
        "452" => MailboxFull,
        "552" => MailboxFull,
        "553" => UserUnknown,
        "554" => Rejected,
        "500" or "501" or "502" or "503" or "504" => SyntaxError,
        _ => null,
    };

    /// <summary>True for categories where the address itself is the problem, so a permanent failure will repeat.</summary>
    public static bool IsHard(string reason, string status) =>
        status.StartsWith('5') && reason is UserUnknown or HostUnknown or HasMoved or NotAccept;

    /// <summary>The code of the 5.0.9xx family that stands for a reason when the report itself gives no status code.</summary>
    public static string PseudoStatus(string reason, bool temporary)
    {
        var detail = reason switch
        {
            OnHold => "901",
            SyntaxError => "902",
            Filtered => "910",
            UserUnknown => "911",
            HostUnknown => "912",
            HasMoved => "916",
            Rejected => "918",
            NoRelaying => "909",
            Suspend => "921",
            MailboxFull => "922",
            ExceedLimit => "923",
            SystemFull => "931",
            SystemError => "930",
            NotAccept => "932",
            MesgTooBig => "934",
            MailerError => "939",
            SecurityError => "970",
            NetworkError => "944",
            TooManyConn => "945",
            Expired => "947",
            PolicyViolation => "972",
            VirusDetected => "974",
            SpamDetected => "980",
            Blocked => "971",
            ContentError => "960",
            _ => "900",
        };
        return (temporary ? "4.0." : "5.0.") + detail;
    }

    private static string? FromPseudoDetail(string detail) => detail switch
    {
        "901" => OnHold,
        "902" => SyntaxError,
        "910" => Filtered,
        "911" => UserUnknown,
        "912" => HostUnknown,
        "916" => HasMoved,
        "909" or "919" => NoRelaying,
        "918" => Rejected,
        "921" => Suspend,
        "922" => MailboxFull,
        "923" => ExceedLimit,
        "924" or "931" => SystemFull,
        "930" => SystemError,
        "932" => NotAccept,
        "934" => MesgTooBig,
        "939" => MailerError,
        "944" => NetworkError,
        "945" => TooManyConn,
        "947" => Expired,
        "960" => ContentError,
        "970" => SecurityError,
        "971" => Blocked,
        "972" => PolicyViolation,
        "974" => VirusDetected,
        "980" => SpamDetected,
        _ => null,
    };
}
