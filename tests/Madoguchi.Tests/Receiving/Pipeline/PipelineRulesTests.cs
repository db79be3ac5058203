using System.Text;
using Madoguchi.Core.Receiving.Parsing;
using Madoguchi.Core.Receiving.Pipeline;
using Madoguchi.Core.Receiving.Storage;
using Madoguchi.Core.Tickets;

namespace Madoguchi.Tests.Receiving.Pipeline;

/// <summary>The pipeline's rules on .eml bytes, without a database: the steps that decide, run on parsed originals.</summary>
public sealed class PipelineRulesTests
{
    private static readonly DateTime Now = new(2025, 4, 1, 1, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task Steps_RunInDeclaredOrder_ParseFirstStorageUsageLast()
    {
        IInboundStep[] steps = [new ParseStep(new MessageParser()), new AutoReplyDetectionStep(), new SpamVerdictStep()];
        Assert.Equal([InboundStepOrder.Parse, InboundStepOrder.AutoReplyDetection, InboundStepOrder.SpamVerdict], steps.Select(s => s.Order).ToArray());
        Assert.True(InboundStepOrder.Threading < InboundStepOrder.Store && InboundStepOrder.Store < InboundStepOrder.StorageUsage);
        var message = await RunAsync(Eml("a@x", "X-Spam-Flag: YES\r\nAuto-Submitted: auto-replied\r\n"));
        Assert.Equal("a@x", message.Parsed.MessageId);
    }

    [Fact]
    public void ThreadingCandidates_InReplyToFirstThenNewestReference_NeverOwnIdOrSubject()
    {
        var message = Parsed(Eml("self@x", "In-Reply-To: <parent@x>\r\nReferences: <root@x> <middle@x> <parent@x> <self@x>\r\n", subject: "Re: 注文"));

        var candidates = ThreadingStepCandidates(message);

        Assert.Equal(["parent@x", "middle@x", "root@x"], candidates);
    }

    [Fact]
    public void ThreadingCandidates_NewMessageWithoutReplyHeaders_HasNone()
    {
        var message = Parsed(Eml("fresh@x", "", subject: "Re: 前回の件"));
        Assert.Empty(ThreadingStepCandidates(message));
    }

    [Theory]
    [InlineData("X-Spam-Flag: YES\r\n", TicketPlace.Spam)]
    [InlineData("X-Spam-Flag: yes\r\n", TicketPlace.Spam)]
    [InlineData("X-Spam-Status: Yes, score=7.5 required=5.0\r\n", TicketPlace.Spam)]
    [InlineData("X-Spam-Status: No, score=0.2\r\n", TicketPlace.Inbox)]
    [InlineData("X-Spam-Flag: NO\r\n", TicketPlace.Inbox)]
    [InlineData("", TicketPlace.Inbox)]
    public async Task SpamVerdict_ServerFlags_DecidePlace(string headers, TicketPlace expected)
    {
        var message = await RunAsync(Eml("m@x", headers));
        Assert.Equal(expected, message.Place);
    }

    [Theory]
    [InlineData("Auto-Submitted: auto-replied\r\n", true)]
    [InlineData("Auto-Submitted: no\r\n", false)]
    [InlineData("X-Auto-Response-Suppress: OOF, AutoReply\r\n", true)]
    [InlineData("Precedence: bulk\r\n", true)]
    [InlineData("Precedence: junk\r\n", true)]
    [InlineData("Precedence: list\r\n", true)]
    [InlineData("", false)]
    public async Task AutoReplyDetection_MachineHeaders_MarkAutomatic(string headers, bool automatic)
    {
        var message = await RunAsync(Eml("m@x", headers));
        Assert.Equal(automatic, message.IsAutomatic);
    }

    [Theory]
    [InlineData(TicketStatus.Closed, TicketPlace.Inbox)]
    [InlineData(TicketStatus.Pending, TicketPlace.Inbox)]
    [InlineData(TicketStatus.NoAction, TicketPlace.Trash)]
    public void JoinTicket_ReceivedReply_ReopensAndBringsBackFromTrash(TicketStatus status, TicketPlace place)
    {
        var ticket = new Ticket { Subject = "s", Status = status, Place = place, MessageCount = 1, LastMessageAt = Now.AddDays(-1) };
        var reply = new InboundMessage(Raw(), default) { Parsed = Parsed(Eml("r@x", "", from: "花子 <hanako@customer.example>")) };

        StoreStep.JoinTicket(ticket, reply, Now);

        Assert.Equal(TicketStatus.Open, ticket.Status);
        Assert.Equal(TicketPlace.Inbox, ticket.Place);
        Assert.Equal(2, ticket.MessageCount);
        Assert.Equal(Now, ticket.LastMessageAt);
        Assert.Equal("hanako@customer.example", ticket.FromAddress);
        Assert.Equal("花子", ticket.FromName);
    }

    [Fact]
    public void JoinTicket_SpamFlaggedReply_DoesNotPullTicketOutOfSpamNorPushItIn()
    {
        var inSpam = new Ticket { Subject = "s", Status = TicketStatus.Closed, Place = TicketPlace.Spam, MessageCount = 1, LastMessageAt = Now };
        var inInbox = new Ticket { Subject = "s", Status = TicketStatus.Closed, Place = TicketPlace.Inbox, MessageCount = 1, LastMessageAt = Now };
        var spamReply = new InboundMessage(Raw(), default) { Parsed = Parsed(Eml("r@x", "X-Spam-Flag: YES\r\n")), Place = TicketPlace.Spam };

        StoreStep.JoinTicket(inSpam, spamReply, Now);
        StoreStep.JoinTicket(inInbox, spamReply, Now);

        Assert.Equal(TicketPlace.Spam, inSpam.Place);
        Assert.Equal(TicketPlace.Inbox, inInbox.Place);
        Assert.Equal(TicketStatus.Open, inInbox.Status);
    }

    [Fact]
    public void JoinTicket_OlderMessageArrivingLate_KeepsNewestLastMessageAt()
    {
        var ticket = new Ticket { Subject = "s", MessageCount = 1, LastMessageAt = Now };
        StoreStep.JoinTicket(ticket, new InboundMessage(Raw(), default) { Parsed = Parsed(Eml("r@x", "")) }, Now.AddHours(-3));
        Assert.Equal(Now, ticket.LastMessageAt);
    }

    [Fact]
    public async Task Parse_GarbageBytes_StillGivesMessageWithReadProblemAndStableId()
    {
        var garbage = new byte[] { 0, 1, 2, 0xff, 0xfe, 10, 13, 0 };
        var first = await RunAsync(garbage);
        var again = await RunAsync(garbage);
        Assert.NotNull(first.Parsed.ReadProblem);
        Assert.Equal(first.Parsed.MessageId, again.Parsed.MessageId);
    }

    private static async Task<InboundMessage> RunAsync(byte[] eml)
    {
        var message = new InboundMessage(Raw(), eml);
        foreach (var step in new IInboundStep[] { new ParseStep(new MessageParser()), new AutoReplyDetectionStep(), new SpamVerdictStep() }.OrderBy(s => s.Order))
            await step.RunAsync(message, CancellationToken.None);
        return message;
    }

    private static List<string> ThreadingStepCandidates(ParsedMessage parsed) =>
        ThreadingStep.Candidates(new InboundMessage(Raw(), default) { Parsed = parsed });

    private static ParsedMessage Parsed(byte[] eml) => new MessageParser().Parse(eml);

    private static RawMessage Raw() => new() { BlobHash = new string('0', 64), InboxId = Guid.NewGuid(), AccountId = Guid.NewGuid(), ReceivedAt = Now };

    private static byte[] Eml(string messageId, string headers, string subject = "お問い合わせ", string from = "customer@example.com") =>
        Encoding.UTF8.GetBytes(
            $"From: {from}\r\nTo: support@example.jp\r\nSubject: {subject}\r\nMessage-ID: <{messageId}>\r\n{headers}" +
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n本文\r\n");
}
