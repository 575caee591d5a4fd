using Siampain.Tests.Infrastructure;
using System.Numerics.Tensors;
using Siampain.Recognition;

namespace Siampain.Tests.Recognition;

public sealed class FaceGalleryTests
{
    private const int Dimensions = RandomEmbeddings.Dimensions;

    [Fact]
    public void Match_agrees_with_a_brute_force_search_over_people()
    {
        var random = new Random(7);
        var gallery = new FaceGallery(Dimensions, initialCapacity: 3);
        var templates = new List<(string Person, float[] Embedding)>();
        for (var i = 0; i < 300; i++)
        {
            var person = $"p{random.Next(60)}";
            var embedding = RandomEmbeddings.Unit(random);
            templates.Add((person, embedding));
            gallery.Add(person, embedding);
        }

        for (var q = 0; q < 50; q++)
        {
            var probe = RandomEmbeddings.Unit(random);
            var perPerson = templates
                .GroupBy(t => t.Person)
                .Select(g => (Person: g.Key, Score: g.Max(t => TensorPrimitives.Dot(t.Embedding, probe))))
                .OrderByDescending(p => p.Score)
                .ToArray();

            var match = gallery.Match(probe);

            Assert.Equal(perPerson[0].Person, match.PersonId);
            Assert.Equal(perPerson[0].Score, match.Score, 5);
            Assert.Equal(perPerson[1].Person, match.RunnerUpId);
            Assert.Equal(perPerson[1].Score, match.RunnerUpScore, 5);
        }
    }

    [Fact]
    public void Remove_drops_every_template_of_a_person_and_keeps_the_others()
    {
        var random = new Random(3);
        var gallery = new FaceGallery(Dimensions);
        var alice = RandomEmbeddings.Unit(random);
        var bob = RandomEmbeddings.Unit(random);
        gallery.Add("alice", alice);
        gallery.Add("alice", RandomEmbeddings.Unit(random));
        gallery.Add("bob", bob);

        Assert.Equal(2, gallery.Remove("alice"));
        Assert.Equal(0, gallery.Remove("nobody"));
        Assert.Equal(1, gallery.TemplateCount);
        Assert.Equal("bob", gallery.Match(alice).PersonId);
        Assert.Equal(1f, gallery.Match(bob).Score, 5);
    }

    [Fact]
    public void Decide_separates_strangers_close_calls_and_recognised_people()
    {
        Assert.Equal(MatchDecision.Unknown, new GalleryMatch("a", 0.2f, "b", 0.1f).Decide(threshold: 0.4f, minMargin: 0.05f));
        Assert.Equal(MatchDecision.Uncertain, new GalleryMatch("a", 0.6f, "b", 0.58f).Decide(0.4f, 0.05f));
        Assert.Equal(MatchDecision.Recognised, new GalleryMatch("a", 0.6f, "b", 0.3f).Decide(0.4f, 0.05f));
        Assert.Equal(MatchDecision.Recognised, new GalleryMatch("a", 0.6f, null, float.NaN).Decide(0.4f, 0.05f));
        Assert.Equal(MatchDecision.Unknown, new FaceGallery(Dimensions).Match(new float[Dimensions]).Decide(0.4f, 0.05f));
    }

    [Fact]
    public void Wrong_dimensions_are_rejected()
    {
        var gallery = new FaceGallery(Dimensions);
        Assert.Throws<ArgumentException>(() => gallery.Add("a", new float[10]));
        Assert.Throws<ArgumentException>(() => gallery.Match(new float[10]));
    }

    [Fact]
    public void A_masked_probe_scores_each_person_by_the_mean_of_their_best_unmasked_and_best_masked_template()
    {
        var random = new Random(11);
        var gallery = new FaceGallery(Dimensions, initialCapacity: 2);
        var templates = new List<(string Person, float[] Embedding, bool Masked)>();
        for (var i = 0; i < 200; i++)
        {
            var person = $"p{random.Next(40)}";
            var masked = random.Next(4) != 0;
            var embedding = RandomEmbeddings.Unit(random);
            templates.Add((person, embedding, masked));
            gallery.Add(person, embedding, masked);
        }

        // One person enrolled without masked templates scores by their unmasked ones alone.
        var plain = RandomEmbeddings.Unit(random);
        templates.Add(("plain", plain, false));
        gallery.Add("plain", plain);

        for (var q = 0; q < 30; q++)
        {
            var probe = q == 0 ? plain : RandomEmbeddings.Unit(random);
            var expected = templates
                .GroupBy(t => t.Person)
                .Select(g =>
                {
                    var unmasked = g.Where(t => !t.Masked).Select(t => TensorPrimitives.Dot(t.Embedding, probe)).DefaultIfEmpty(float.NaN).Max();
                    var masked = g.Where(t => t.Masked).Select(t => TensorPrimitives.Dot(t.Embedding, probe)).DefaultIfEmpty(float.NaN).Max();
                    return (Person: g.Key, Score: float.IsNaN(masked) ? unmasked : float.IsNaN(unmasked) ? masked : (unmasked + masked) / 2);
                })
                .OrderByDescending(p => p.Score)
                .ToArray();

            var match = gallery.Match(probe, masked: true);

            Assert.True(match.Masked);
            Assert.Equal(expected[0].Person, match.PersonId);
            Assert.Equal(expected[0].Score, match.Score, 5);
            Assert.Equal(expected[1].Person, match.RunnerUpId);
            Assert.Equal(expected[1].Score, match.RunnerUpScore, 5);
        }
    }

    [Fact]
    public void An_unmasked_probe_is_scored_by_unmasked_templates_when_the_person_has_any()
    {
        var random = new Random(3);
        var gallery = new FaceGallery(Dimensions);
        var probe = RandomEmbeddings.Unit(random);
        gallery.Add("ann", RandomEmbeddings.Unit(random));
        gallery.Add("ann", probe, masked: true);
        var onlyMasked = RandomEmbeddings.Unit(random);
        gallery.Add("bob", onlyMasked, masked: true);

        var unmasked = gallery.Match(probe, masked: false);
        var bob = gallery.Match(onlyMasked, masked: false);

        Assert.False(unmasked.Masked);
        Assert.True(unmasked.PersonId != "ann" || unmasked.Score < 0.99f, "ann's painted template must not count for an unmasked probe");
        Assert.Equal("bob", bob.PersonId);
        Assert.Equal(1f, bob.Score, 5);
    }

    [Fact]
    public void Without_masked_templates_a_masked_probe_is_matched_as_before()
    {
        var random = new Random(5);
        var gallery = new FaceGallery(Dimensions);
        for (var i = 0; i < 20; i++)
        {
            gallery.Add($"p{i % 7}", RandomEmbeddings.Unit(random));
        }

        var probe = RandomEmbeddings.Unit(random);

        Assert.Equal(gallery.Match(probe), gallery.Match(probe, masked: true));
        Assert.Equal(0, gallery.MaskedTemplateCount);
    }
}
