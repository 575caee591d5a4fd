using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Siampain.Storage;

/// <summary>Configuration section "Storage": where the database lives and how its write-ahead log is kept short.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";
    public const string DefaultPath = "/var/lib/siampain/siampain.db";
    public const int DefaultCheckpointSeconds = 60;
    public const int DefaultCheckpointPages = 1000;

    /// <summary>The LiteDB file; its log sits beside it with "-log" before the extension.</summary>
    [Required]
    public string Path { get; set; } = DefaultPath;

    /// <summary>Copy the log into the data file at least this often, so the log stays short on an SD card.</summary>
    [Range(1, 3600)]
    public int CheckpointSeconds { get; set; } = DefaultCheckpointSeconds;

    /// <summary>LiteDB also checkpoints by itself when the log holds this many 8 KiB pages.</summary>
    [Range(10, 100_000)]
    public int CheckpointPages { get; set; } = DefaultCheckpointPages;
}

[OptionsValidator]
public sealed partial class StorageOptionsValidator : IValidateOptions<StorageOptions>;
