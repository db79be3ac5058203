using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Madoguchi.IntegrationTests.Sending;

/// <summary><c>POST /api/v1/uploads</c> with multipart/form-data, as a browser or API client sends files.</summary>
public static class UploadClient
{
    public static async Task<HttpResponseMessage> PostFilesAsync(this HttpClient client, params (string Name, string ContentType, byte[] Bytes)[] files)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (name, type, bytes) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
            form.Add(part, "files", name);
        }
        return await client.PostAsync("/api/v1/uploads", form);
    }

    /// <summary>Uploads the files and returns their ids, in order.</summary>
    public static async Task<Guid[]> UploadAsync(this HttpClient client, params (string Name, string ContentType, byte[] Bytes)[] files)
    {
        var response = await client.PostFilesAsync(files);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return [.. JsonDocument.Parse(text).RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid())];
    }
}
