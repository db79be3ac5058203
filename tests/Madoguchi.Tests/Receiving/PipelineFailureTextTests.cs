using Madoguchi.Core.Receiving.Pipeline;
using Madoguchi.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Tests.Receiving;

public class PipelineFailureTextTests
{
    public static TheoryData<Exception> Failures => new()
    {
        new DbUpdateException("INSERT INTO \"TicketMessages\" failed: 22021 invalid byte sequence", new InvalidOperationException("secret@example.test")),
        new DamagedBlobException(new string('a', 64), BlobCondition.WrongSize),
        new FileNotFoundException("/srv/madoguchi/data/blobs/aa/bb missing"),
        new IOException("/srv/madoguchi/data/blobs permission"),
        new TimeoutException("after 30 s"),
        new InvalidOperationException("Subject: 請求書 secret@example.test"),
    };

    [Theory, MemberData(nameof(Failures))]
    public void Describe_AnyFailure_OurWordsWithoutTheExceptionText(Exception failure)
    {
        var text = PipelineFailureText.Describe(failure);

        Assert.DoesNotContain(failure.GetBaseException().Message, text, StringComparison.Ordinal);
        Assert.DoesNotContain("secret@example.test", text, StringComparison.Ordinal);
        Assert.DoesNotContain("/srv/", text, StringComparison.Ordinal);
        Assert.DoesNotContain(failure.GetType().Name, text, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_DamagedOriginal_SaysWhatIsWrongWithIt() =>
        Assert.Equal(DamagedBlobException.Describe(BlobCondition.WrongSize),
            PipelineFailureText.Describe(new DamagedBlobException(new string('a', 64), BlobCondition.WrongSize)));
}
