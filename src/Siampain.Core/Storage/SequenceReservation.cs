using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Siampain.Storage;

/// <summary>
/// A number, kept in a small file beside the database, that no sequence number given out so far exceeds. The
/// counter itself lives in the database; when that file is damaged and only partly recovered, the counter can come
/// back lower than numbers already published, and consumers must never see a number twice for two events. The
/// reservation is written durably before a number beyond it is used, a block at a time so it costs one fsync per
/// <see cref="Block"/> events.
/// </summary>
internal sealed class SequenceReservation
{
    public const int Block = 1000;

    // Fixed width, so that rewriting it in place never leaves a longer old tail behind.
    private const string Format = "D20";

    private readonly string _path;

    public SequenceReservation(string path, ILogger logger)
    {
        _path = path;
        Reserved = Read(path, logger);
    }

    public static string PathFor(string databasePath) => databasePath + ".seq";

    /// <summary>No number above this was handed out; 0 when the file is missing or unreadable.</summary>
    public long Reserved { get; private set; }

    /// <summary>Makes sure <paramref name="sequence"/> is covered; returns once a larger reservation is on the disk.</summary>
    public void Cover(long sequence)
    {
        if (sequence <= Reserved)
        {
            return;
        }

        var next = sequence + Block;
        var bytes = Encoding.ASCII.GetBytes(next.ToString(Format, CultureInfo.InvariantCulture) + "\n");
        using (var file = new FileStream(_path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.None, bufferSize: 1, FileOptions.WriteThrough))
        {
            file.Write(bytes);
            file.Flush(flushToDisk: true);
        }

        Reserved = next;
    }

    private static long Read(string path, ILogger logger)
    {
        try
        {
            if (!File.Exists(path))
            {
                return 0;
            }

            var text = File.ReadAllText(path).Trim();
            if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }

            Log.SequenceReservationUnreadable(logger, path, "it does not hold a number");
        }
        catch (IOException e)
        {
            Log.SequenceReservationUnreadable(logger, path, e.Message);
        }

        return 0;
    }
}
