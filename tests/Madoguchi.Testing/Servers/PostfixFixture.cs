using Xunit;

namespace Madoguchi.Testing.Servers;

/// <summary>
/// One Dovecot and one Postfix delivering into it, per test class: <c>IClassFixture&lt;PostfixFixture&gt;</c>.
/// Mail to <c>name@mail.test</c> reaches Dovecot user <c>name</c>; give each test its own users.
/// </summary>
public sealed class PostfixFixture : IAsyncLifetime
{
    private DovecotServer? dovecot;
    private PostfixServer? postfix;
    private int userCounter;

    public DovecotServer Dovecot => dovecot ?? throw new InvalidOperationException("The fixture has not started yet.");

    public PostfixServer Postfix => postfix ?? throw new InvalidOperationException("The fixture has not started yet.");

    /// <summary>A fresh mailbox user; its address is <c>name@mail.test</c>, its password also signs in to Postfix.</summary>
    public Task<MailboxUser> AddUniqueUserAsync(string prefix = "user") =>
        Dovecot.AddUserAsync($"{prefix}{Interlocked.Increment(ref userCounter)}", Guid.NewGuid().ToString("N"));

    public static string AddressOf(MailboxUser user) => $"{user.Name}@{PostfixServer.LocalDomain}";

    public async Task InitializeAsync()
    {
        dovecot = await DovecotServer.StartNewAsync();
        postfix = await PostfixServer.StartNewAsync(dovecot);
    }

    public async Task DisposeAsync()
    {
        if (postfix is not null)
        {
            await postfix.DisposeAsync();
        }

        if (dovecot is not null)
        {
            await dovecot.DisposeAsync();
        }
    }
}
