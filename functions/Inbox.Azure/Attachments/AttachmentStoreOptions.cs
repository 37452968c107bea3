namespace InboxServerless.Azure.Attachments;

/// <summary>The <c>Attachments</c> section: the blob container that holds e-mail attachments and inline images.</summary>
public sealed class AttachmentStoreOptions
{
    public const string Section = "Attachments";
    public const string DefaultContainerName = "attachments";

    /// <summary><c>https://&lt;account&gt;.blob.core.windows.net/</c>: connects with <c>DefaultAzureCredential</c>.</summary>
    public Uri? BlobServiceUri { get; set; }

    /// <summary>A storage connection string (Azurite locally); takes precedence over <see cref="BlobServiceUri"/>.</summary>
    public string? ConnectionString { get; set; }

    public string ContainerName { get; set; } = DefaultContainerName;

    /// <summary>The deadline of one call to the store, each retry included.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
