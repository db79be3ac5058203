using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Madoguchi.Testing.Servers;

/// <summary>
/// A throw-away certificate authority and a server certificate it signed for
/// localhost / 127.0.0.1, so that clients can verify TLS properly instead of switching checks off.
/// </summary>
public sealed class TestCertificateAuthority : IDisposable
{
    private TestCertificateAuthority(X509Certificate2 authority, X509Certificate2 server)
    {
        Authority = authority;
        Server = server;
    }

    /// <summary>The root to trust (public part only).</summary>
    public X509Certificate2 Authority { get; }

    /// <summary>The server's certificate, with its private key.</summary>
    public X509Certificate2 Server { get; }

    public static TestCertificateAuthority Create()
    {
        var now = DateTimeOffset.UtcNow;
        using var authorityKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var authorityRequest = new CertificateRequest("CN=Madoguchi Test CA", authorityKey, HashAlgorithmName.SHA256);
        authorityRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        authorityRequest.CertificateExtensions.Add(
            new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var authorityWithKey = authorityRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(7));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1")], false)); // TLS server authentication
        using var serverPublic = serverRequest.Create(
            authorityWithKey, now.AddMinutes(-5), now.AddDays(6), RandomNumberGenerator.GetBytes(8));

        return new TestCertificateAuthority(
            X509CertificateLoader.LoadCertificate(authorityWithKey.RawData),
            serverPublic.CopyWithPrivateKey(serverKey));
    }

    /// <summary>Writes the CA certificate, the server certificate and its private key as PEM files.</summary>
    public void WritePem(string authorityPath, string serverCertificatePath, string serverKeyPath)
    {
        File.WriteAllText(authorityPath, Authority.ExportCertificatePem());
        File.WriteAllText(serverCertificatePath, Server.ExportCertificatePem());
        using var key = Server.GetECDsaPrivateKey()
            ?? throw new InvalidOperationException("The server certificate lost its private key.");
        File.WriteAllText(serverKeyPath, key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>
    /// A <see cref="RemoteCertificateValidationCallback"/> that trusts this authority only and still
    /// checks the host name, e.g. <c>client.ServerCertificateValidationCallback = ca.Validate</c>.
    /// </summary>
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)
            || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }

        using var presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var ownChain = new X509Chain();
        ownChain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        ownChain.ChainPolicy.CustomTrustStore.Add(Authority);
        ownChain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return ownChain.Build(presented);
    }

    public void Dispose()
    {
        Authority.Dispose();
        Server.Dispose();
    }
}
