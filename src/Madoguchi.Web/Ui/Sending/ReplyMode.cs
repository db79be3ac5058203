namespace Madoguchi.Web.Ui.Sending;

/// <summary>What the reply box writes: a reply to the customer, a reply to everyone on the message, or a forward.</summary>
public enum ReplyMode
{
    Reply,
    ReplyAll,
    Forward,
}
