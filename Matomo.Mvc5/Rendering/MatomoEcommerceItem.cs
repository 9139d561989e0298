using System;
using System.Collections.Generic;
using System.Globalization;
using Matomo.Mvc5.Rendering;

namespace Matomo.Mvc5
{
    /// <summary>
    /// One product line of a cart or order (Matomo's <c>addEcommerceItem</c> and <c>ec_items</c>): checked when it is
    /// made, then immutable. The same item serves the page and the server-side tracker.
    /// </summary>
    public sealed class MatomoEcommerceItem
    {
        /// <summary>A product in one category (or none).</summary>
        /// <param name="sku">The product's SKU.</param>
        /// <param name="productName">The product's name, or null.</param>
        /// <param name="category">The product's category, or null.</param>
        /// <param name="price">The unit price, 0 or more.</param>
        /// <param name="quantity">How many, 1 or more.</param>
        /// <exception cref="ArgumentException">The SKU is missing, a name or category is empty, the price is negative or the quantity below 1.</exception>
        public MatomoEcommerceItem(string sku, string productName, string category, decimal price, int quantity)
            : this(sku, productName, category == null ? null : new[] { Category(category) }, price, quantity, false)
        {
        }

        /// <summary>A product in one to five categories (Matomo's limit).</summary>
        /// <param name="sku">The product's SKU.</param>
        /// <param name="productName">The product's name, or null.</param>
        /// <param name="categories">One to five categories, or null.</param>
        /// <param name="price">The unit price, 0 or more.</param>
        /// <param name="quantity">How many, 1 or more.</param>
        /// <exception cref="ArgumentException">As for one category; or no category, more than five, or an empty one.</exception>
        public MatomoEcommerceItem(string sku, string productName, IEnumerable<string> categories, decimal price, int quantity)
            : this(sku, productName, categories == null ? null : CheckCategories(categories), price, quantity, false)
        {
        }

        private MatomoEcommerceItem(string sku, string productName, string[] categories, decimal price, int quantity, bool _)
        {
            ArgumentCheck.Required(Owner, null, nameof(sku), sku);
            ArgumentCheck.Optional(Owner, null, nameof(productName), productName);
            ArgumentCheck.Money(Owner, null, nameof(price), price);
            if (quantity < 1) throw ArgumentCheck.OutOfRange(Owner, null, nameof(quantity), "must be 1 or more");
            Sku = sku;
            ProductName = productName;
            Categories = categories == null ? NoCategories : Array.AsReadOnly(categories);
            Price = price;
            Quantity = quantity;
        }

        private const string Owner = nameof(MatomoEcommerceItem);

        /// <summary>The most categories Matomo keeps for a product.</summary>
        public const int MaxCategories = ArgumentCheck.MaxCategories;

        private static readonly IReadOnlyList<string> NoCategories = new string[0];

        /// <summary>The product's SKU.</summary>
        public string Sku { get; }

        /// <summary>The product's name, or null.</summary>
        public string ProductName { get; }

        /// <summary>The product's categories: none, or one to five.</summary>
        public IReadOnlyList<string> Categories { get; }

        /// <summary>The unit price.</summary>
        public decimal Price { get; }

        /// <summary>How many.</summary>
        public int Quantity { get; }

        /// <inheritdoc />
        public override string ToString() =>
            Quantity.ToString(CultureInfo.InvariantCulture) + " x " + Sku + " at " + Price.ToString(CultureInfo.InvariantCulture);

        private static string Category(string category)
        {
            ArgumentCheck.Category(Owner, null, nameof(category), category);
            return category;
        }

        private static string[] CheckCategories(IEnumerable<string> categories) =>
            ArgumentCheck.Categories(Owner, null, nameof(categories), categories).ToArray();
    }
}
