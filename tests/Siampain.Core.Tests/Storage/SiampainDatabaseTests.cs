using LiteDB;
using Siampain.Storage;

namespace Siampain.Tests.Storage;

public sealed class SiampainDatabaseTests : IDisposable
{
    private readonly TempDatabase _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_durable_write_flushes_the_data_file_to_disk_before_returning()
    {
        var db = _temp.Open();
        var before = db.DataStream!.FlushCount;

        db.Write(() => db.Collection<Item>("items").Insert(new Item { Id = 1, Text = "a" }));

        Assert.True(db.DataStream!.FlushCount > before);
    }

    [Fact]
    public void A_copy_of_the_files_taken_right_after_a_durable_write_holds_the_record()
    {
        // What a power cut leaves is what is in the files at that moment, not what LiteDB still holds in memory.
        var db = _temp.Open();
        db.Write(() => db.Collection<Item>("items").Insert(new Item { Id = 7, Text = "kept" }));

        var copy = Path.Combine(_temp.Folder, "copy.db");
        File.Copy(_temp.Path, copy);
        if (File.Exists(db.LogPath))
        {
            File.Copy(db.LogPath, SiampainDatabase.LogPathOf(copy));
        }

        using var reopened = new SiampainDatabase(new StorageOptions { Path = copy }, _temp.Time);
        Assert.Equal("kept", reopened.Collection<Item>("items").FindById(7).Text);
        Assert.Null(reopened.Recovery);
    }

    [Fact]
    public void Records_survive_closing_and_reopening()
    {
        using (var db = _temp.Open())
        {
            db.Write(() => db.Collection<Item>("items").Insert(new Item { Id = 1, Text = "one" }), durable: false);
        }

        using var again = _temp.Open();
        Assert.Equal("one", again.Collection<Item>("items").FindById(1).Text);
    }

    [Fact]
    public void A_failed_write_is_rolled_back_and_rethrown()
    {
        var db = _temp.Open();
        Assert.Throws<InvalidOperationException>(() => db.Write(() =>
        {
            db.Collection<Item>("items").Insert(new Item { Id = 1, Text = "half" });
            throw new InvalidOperationException("boom");
        }));

        Assert.Equal(0, db.Collection<Item>("items").Count());
    }

    [Fact]
    public void A_full_disk_fails_the_write_clearly_and_loses_nothing_written_before()
    {
        var disk = new FakeDisk();
        var db = _temp.Open(path => new FailingStream(File.Open(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read), disk));
        for (var i = 1; i <= 5; i++)
        {
            db.Write(() => db.Collection<Item>("items").Insert(new Item { Id = i, Text = "before" }));
        }

        disk.Full = true;
        var error = Assert.Throws<StorageException>(() =>
            db.Write(() => db.Collection<Item>("items").Insert(new Item { Id = 6, Text = new string('x', 20_000) })));
        Assert.True(error.IsDiskFull);
        Assert.Contains("disk is full", error.Message, StringComparison.Ordinal);
        Assert.Contains(_temp.Path, error.Message, StringComparison.Ordinal);

        // Space freed: the same database object carries on, with every earlier record and without the failed one.
        disk.Full = false;
        db.Write(() => db.Collection<Item>("items").Insert(new Item { Id = 7, Text = "after" }));
        Assert.Equal([1, 2, 3, 4, 5, 7], db.Collection<Item>("items").FindAll().Select(i => i.Id).Order());
        db.Dispose();

        using var reopened = _temp.Open();
        Assert.Equal([1, 2, 3, 4, 5, 7], reopened.Collection<Item>("items").FindAll().Select(i => i.Id).Order());
    }

    [Fact]
    public async Task A_full_disk_on_the_very_first_write_fails_the_write_without_hanging()
    {
        var disk = new FakeDisk();
        var db = _temp.Open(path => new FailingStream(File.Open(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read), disk));
        disk.Full = true;

        var write = Task.Run(() => db.Write(() => db.Collection<Item>("items").Insert(new Item { Id = 1, Text = "first" })));
        var error = await Assert.ThrowsAsync<StorageException>(() => write.WaitAsync(TimeSpan.FromSeconds(60)));

        Assert.True(error.IsDiskFull);
        disk.Full = false;
        db.Write(() => db.Collection<Item>("items").Insert(new Item { Id = 2, Text = "second" }));
        Assert.Equal([2], db.Collection<Item>("items").FindAll().Select(i => i.Id));
    }

    [Fact]
    public async Task A_disk_filling_up_at_any_point_loses_no_durable_write_and_never_hangs()
    {
        var random = new Random(11);
        for (var round = 0; round < 25; round++)
        {
            var disk = new FakeDisk();
            var options = new StorageOptions { Path = Path.Combine(_temp.Folder, $"round{round}.db") };
            Stream OpenFile(string path) => new FailingStream(File.Open(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read), disk);
            var saved = new List<int>();
            using (var db = new SiampainDatabase(options, _temp.Time, null, OpenFile))
            {
                disk.WritesLeft = random.Next(0, 60);
                var writing = Task.Run(() =>
                {
                    for (var id = 1; id <= 40; id++)
                    {
                        var durable = id % 3 != 0;
                        try
                        {
                            db.Write(() => db.Collection<Item>("items").Insert(new Item { Id = id, Text = new string('x', random.Next(10, 9000)) }), durable);
                        }
                        catch (StorageException e) when (e.IsDiskFull)
                        {
                            return;
                        }

                        if (durable)
                        {
                            saved.Add(id);
                        }
                    }
                });
                await writing.WaitAsync(TimeSpan.FromSeconds(60));
                disk.WritesLeft = int.MaxValue;
            }

            using var reopened = new SiampainDatabase(options, _temp.Time, null, OpenFile);
            var present = reopened.Collection<Item>("items").FindAll().Select(i => i.Id).ToHashSet();
            Assert.All(saved, id => Assert.Contains(id, present));
            Assert.Null(reopened.Recovery);
        }
    }

    [Fact]
    public void A_damaged_page_is_reported_kept_aside_and_what_can_be_read_is_recovered()
    {
        using (var db = _temp.Open())
        {
            db.Write(() =>
            {
                var items = db.Collection<Item>("items");
                for (var i = 1; i <= 400; i++)
                {
                    items.Insert(new Item { Id = i, Text = new string((char)('a' + (i % 26)), 300) });
                }
            });
            db.Write(() => db.Collection<Item>("other").Insert(new Item { Id = 1, Text = "small" }));
        }

        var original = File.ReadAllBytes(_temp.Path);
        var damaged = (byte[])original.Clone();
        Assert.True(damaged.Length > 8 * SiampainDatabase.PageSize);

        // Scribble over a data page in the middle of the items.
        new Random(3).NextBytes(damaged.AsSpan(5 * SiampainDatabase.PageSize, SiampainDatabase.PageSize));
        File.WriteAllBytes(_temp.Path, damaged);

        using var recovered = _temp.Open();

        var report = Assert.IsType<RecoveryReport>(recovered.Recovery);
        Assert.Contains("unreadable", report.Problem, StringComparison.Ordinal);
        Assert.Equal(damaged, File.ReadAllBytes(report.SetAsidePath));
        Assert.StartsWith(_temp.Path + ".damaged-20261123T060000Z", report.SetAsidePath, StringComparison.Ordinal);
        var items = recovered.Collection<Item>("items").Count();
        Assert.InRange(items, 1, 399);
        Assert.Equal(items + 1, report.RecoveredDocuments);
        Assert.Equal("small", recovered.Collection<Item>("other").FindById(1).Text);
        Assert.Contains("items", report.PartialCollections);

        // The new file is a working database.
        recovered.Write(() => recovered.Collection<Item>("items").Upsert(new Item { Id = 1000, Text = "new" }));
        Assert.False(File.Exists(_temp.Path + ".salvage"));
    }

    [Fact]
    public void A_half_written_file_is_kept_aside_and_its_whole_pages_recovered()
    {
        using (var db = _temp.Open())
        {
            db.Write(() => db.Collection<Item>("items").Insert(new Item { Id = 1, Text = "whole" }));
        }

        using (var file = File.OpenWrite(_temp.Path))
        {
            file.Seek(0, SeekOrigin.End);
            file.Write(new byte[1000]);
        }

        using var recovered = _temp.Open();

        var report = Assert.IsType<RecoveryReport>(recovered.Recovery);
        Assert.Contains("half-written", report.Problem, StringComparison.Ordinal);
        Assert.True(File.Exists(report.SetAsidePath));
        Assert.Equal("whole", recovered.Collection<Item>("items").FindById(1).Text);
    }

    [Fact]
    public void A_file_that_is_not_a_database_at_all_is_kept_aside_and_a_new_one_started()
    {
        var garbage = new byte[3 * SiampainDatabase.PageSize];
        new Random(5).NextBytes(garbage);
        File.WriteAllBytes(_temp.Path, garbage);

        using var db = _temp.Open();

        var report = Assert.IsType<RecoveryReport>(db.Recovery);
        Assert.Equal(0, report.RecoveredDocuments);
        Assert.Equal(garbage, File.ReadAllBytes(report.SetAsidePath));
        db.Write(() => db.Collection<Item>("items").Insert(new Item { Id = 1, Text = "fresh" }));
        Assert.Equal(1, db.Collection<Item>("items").Count());
    }

    [Fact]
    public void The_log_is_checkpointed_into_the_data_file_on_the_timer()
    {
        var db = _temp.Open();
        for (var i = 0; i < 20; i++)
        {
            db.Write(() => db.Collection<Item>("items").Insert(new Item { Id = i + 1, Text = "quick" }), durable: false);
        }

        Assert.True(new FileInfo(db.LogPath).Length > 0);

        _temp.Time.Advance(TimeSpan.FromSeconds(StorageOptions.DefaultCheckpointSeconds));

        Assert.Equal(0, new FileInfo(db.LogPath).Length);
        Assert.Equal(20, db.Collection<Item>("items").Count());
    }

    [Fact]
    public void A_write_inside_a_write_is_refused()
    {
        var db = _temp.Open();
        var error = Assert.Throws<InvalidOperationException>(() => db.Write(() => db.Write(() => { })));
        Assert.Contains("already running", error.Message, StringComparison.Ordinal);
    }

    public sealed class Item
    {
        public int Id { get; set; }

        public string Text { get; set; } = "";
    }
}
