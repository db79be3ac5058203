using Madoguchi.Core.Sending.Drafts;
using Madoguchi.Web.Ui.Shared;
using Microsoft.Extensions.Localization;

namespace Madoguchi.Web.Ui.Sending;

/// <summary>The reply box's warning that another reply went out on the ticket since this one began (reply_sent_meanwhile),
/// naming who and when in the user's language and time zone.</summary>
public static class DraftWarnings
{
    public static string SentMeanwhile(IStringLocalizer<DraftStrings> d, UserClock clock, Madoguchi.Core.Common.Error error)
    {
        var replies = error.Extensions?["replies"] as IEnumerable<SentMeanwhileReply> ?? [];
        var who = string.Join(", ", replies.Select(r => d["SentMeanwhile_Item", r.AuthorName ?? d["SentMeanwhile_Someone"], clock.Format(r.At)].Value));
        return d["SentMeanwhile", who];
    }
}
