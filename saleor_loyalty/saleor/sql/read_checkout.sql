-- The checkout as the program reads it on every checkout mutation: one statement, one row.
--
-- One JSON text (and, beside it, the checkout's last_change): the channel's slug, the buyer's
-- account columns, the buyer's loyalty facts (tier, birthday, company and their tiers' ranks,
-- the rules stamp: the columns of services.customers.LoyaltyFacts, in its order) and the lines
-- with what a quote needs (variant, product, category, this channel's listing price, our
-- override and gift metadata), in the order Saleor shows them; then the shopper's gift picks ({rule id: [variant ids]}) and,
-- for every variant an active gift rule offers (its own and its options) whose stock Saleor
-- tracks, the units available in the warehouses of the checkout's channel (quantity less
-- allocated, summed; 0 without stock rows). The text is also the fingerprint of everything a sync depends
-- on (saleor/checkout.py): an unchanged checkout is recognised without building a single row.
--
-- Written as small scalar subqueries rather than one wide join: PostgreSQL plans each on its
-- own, and planning a nine-table join cost 0.8 ms, eight times what running it did (on a kept
-- connection the statement is prepared and not planned again: saleor/prepared.py). Objects are
-- aggregated in key order, so the same data always gives the same text. The one parameter is
-- the checkout's token.
SELECT json_build_array(
    (SELECT channel.slug FROM channel_channel AS channel WHERE channel.id = checkout.channel_id),
    (SELECT json_build_array(buyer.email, buyer.customer_type_id, buyer.date_joined, buyer.number_of_orders)
       FROM account_user AS buyer WHERE buyer.id = checkout.user_id),
    (SELECT json_build_array(
                state.tier_id, state.birthday, member.company_id, company.is_active, company.customer_type_id,
                company.tier_id, own_tier.rank, company_tier.rank, stamp.version, stamp.stamp)
       FROM (SELECT checkout.user_id AS user_id) AS buyer
       LEFT JOIN loyalty_customer AS state ON state.user_id = buyer.user_id
       LEFT JOIN loyalty_company_member AS member ON member.user_id = buyer.user_id
       LEFT JOIN loyalty_company AS company ON company.id = member.company_id
       LEFT JOIN loyalty_tier AS own_tier ON own_tier.id = state.tier_id
       LEFT JOIN loyalty_tier AS company_tier ON company_tier.id = company.tier_id
       LEFT JOIN loyalty_rules_version AS stamp ON stamp.id = 1),
    COALESCE((
        SELECT json_agg(json_build_array(
                   line.id, line.variant_id, variant.product_id, product.category_id, variant.sku,
                   line.quantity, listing.price_amount, listing.prior_price_amount,
                   line.undiscounted_unit_price_amount, line.price_override, line.price_override_reason,
                   line.metadata, line.is_gift)
               ORDER BY line.created_at, line.id)
        FROM checkout_checkoutline AS line
        JOIN product_productvariant AS variant ON variant.id = line.variant_id
        JOIN product_product AS product ON product.id = variant.product_id
        LEFT JOIN product_productvariantchannellisting AS listing
               ON listing.variant_id = line.variant_id AND listing.channel_id = checkout.channel_id
        WHERE line.checkout_id = checkout.token
    ), '[]'::json),
    -- gifts:begin (left out, as NULL, NULL, while the process knows of no active gift rule: checkout_reader)
    (SELECT json_object_agg(choice.rule_id, choice.variant_ids ORDER BY choice.rule_id)
       FROM loyalty_gift_choice AS choice WHERE choice.checkout_token = checkout.token::text),
    -- Driven from the offered variants (a handful, none without gift rules), each looked up on
    -- its own: the catalogue's variants are never scanned, however many there are.
    (SELECT json_object_agg(offered.variant_id, COALESCE((
                SELECT SUM(GREATEST(stock.quantity - stock.quantity_allocated, 0))
                  FROM warehouse_stock AS stock
                  JOIN warehouse_channelwarehouse AS channel_warehouse
                    ON channel_warehouse.warehouse_id = stock.warehouse_id
                 WHERE channel_warehouse.channel_id = checkout.channel_id
                   AND stock.product_variant_id = offered.variant_id), 0) ORDER BY offered.variant_id)
       FROM (SELECT gift_rule.variant_id FROM loyalty_gift_rule AS gift_rule WHERE gift_rule.is_active
             UNION
             -- Options are read defensively: a malformed row must not break checkouts.
             SELECT (gift_option ->> 'variant_id')::bigint
               FROM loyalty_gift_rule AS gift_rule,
                    jsonb_array_elements(CASE WHEN jsonb_typeof(gift_rule.options) = 'array'
                                              THEN gift_rule.options ELSE '[]'::jsonb END) AS gift_option
              WHERE gift_rule.is_active AND gift_option ->> 'variant_id' ~ '^[0-9]{1,18}$') AS offered (variant_id)
      WHERE (SELECT variant.track_inventory FROM product_productvariant AS variant
              WHERE variant.id = offered.variant_id))
    -- gifts:end
)::text,
-- Beside the text, not in it (the text is the fingerprint): the sync's price expiry checks that
-- nothing saved the checkout after this read (saleor/checkout.py, expire_prices).
checkout.last_change
FROM checkout_checkout AS checkout
WHERE checkout.token = %s
