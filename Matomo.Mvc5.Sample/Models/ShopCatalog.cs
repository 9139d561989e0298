using System;
using System.Collections.Generic;
using System.Linq;

namespace Matomo.Mvc5.Sample.Models
{
    /// <summary>A product of the Sample's small shop.</summary>
    public sealed class ShopProduct
    {
        public ShopProduct(string sku, string name, string category, decimal price)
        {
            Sku = sku;
            Name = name;
            Category = category;
            Price = price;
        }

        public string Sku { get; }
        public string Name { get; }
        public string Category { get; }
        public decimal Price { get; }
    }

    /// <summary>The shop's catalogue: a fixed list, enough to show product, category, cart and order tracking.</summary>
    public static class ShopCatalog
    {
        public static readonly IReadOnlyList<ShopProduct> Products = new[]
        {
            new ShopProduct("SKU-42", "Holy Hand Grenade of Antioch", "Weapons", 19.99m),
            new ShopProduct("SKU-7", "Shrubbery (one that looks nice)", "Gardening", 49.50m),
            new ShopProduct("SKU-5", "Herring, for cutting down trees", "Gardening", 7.95m),
            new ShopProduct("SKU-3", "Coconut halves", "Sound effects", 3.25m),
            new ShopProduct("SKU-11", "Killer rabbit (plush)", "Toys", 12.00m),
        };

        public static IEnumerable<string> Categories => Products.Select(p => p.Category).Distinct();

        /// <summary>A category's address: its name in lower case with hyphens (Sound effects: sound-effects).</summary>
        public static string Slug(string category) => category.ToLowerInvariant().Replace(' ', '-');

        public static string CategoryOf(string slug) => Categories.FirstOrDefault(c => Slug(c) == slug);

        public static ShopProduct Find(string sku) => Products.FirstOrDefault(p => p.Sku == sku);

        /// <summary>Products whose name or category holds every word of <paramref name="query"/>, optionally in one category.</summary>
        public static IReadOnlyList<ShopProduct> Search(string query, string category)
        {
            string[] words = query.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);
            return Products
                .Where(p => category == null || p.Category == category)
                .Where(p => words.All(w => (p.Name + " " + p.Category).IndexOf(w, StringComparison.OrdinalIgnoreCase) >= 0))
                .ToList();
        }
    }
}
