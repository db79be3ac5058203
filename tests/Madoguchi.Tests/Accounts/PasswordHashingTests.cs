using System.Buffers.Binary;
using Madoguchi.Core.Accounts;
using Madoguchi.Core.Accounts.Passwords;
using Madoguchi.Core.Accounts.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Madoguchi.Tests.Accounts;

public class PasswordHashingTests
{
    [Fact]
    public void PasswordHasher_Default_IsPbkdf2HmacSha512WithOwaspIterations()
    {
        var services = new ServiceCollection().AddAccounts(new ConfigurationBuilder().Build()).BuildServiceProvider();
        var hasher = services.GetRequiredService<IPasswordHasher<User>>();

        var hash = Convert.FromBase64String(hasher.HashPassword(new User { FamilyName = "-", GivenName = "-", Email = "a@example.com" }, "password"));

        Assert.Equal(0x01, hash[0]); // format V3
        Assert.Equal((uint)KeyDerivationPrfSha512, BinaryPrimitives.ReadUInt32BigEndian(hash.AsSpan(1)));
        Assert.Equal(210_000u, BinaryPrimitives.ReadUInt32BigEndian(hash.AsSpan(5)));
        Assert.Equal(PasswordHashingOptions.OwaspPbkdf2Sha512Iterations, new PasswordHashingOptions().Iterations);
    }

    /// <summary>KeyDerivationPrf.HMACSHA512.</summary>
    private const int KeyDerivationPrfSha512 = 2;
}
