#!/usr/bin/env bash
# Type-checks the packed package the way a user's project sees it: `npm pack`, unpack into a scratch project
# under a temporary directory, and compile a strict app (with @ts-expect-error on each typo) under the
# node10, node16 and bundler module resolutions. Then prints what tsc says for three typical typos.
# Needs no network: the package's dependencies are linked from this checkout's node_modules.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tsc="$root/node_modules/.bin/tsc"

(cd "$root" && npm run --silent build && npm pack --silent --pack-destination "$work" >/dev/null)
mkdir -p "$work/app/node_modules/threadorm" "$work/app/node_modules/@types"
tar -xzf "$work"/threadorm-*.tgz -C "$work/app/node_modules/threadorm" --strip-components=1
for dep in better-sqlite3 piscina; do ln -s "$root/node_modules/$dep" "$work/app/node_modules/$dep"; done
ln -s "$root/node_modules/@types/node" "$work/app/node_modules/@types/node"

cat > "$work/app/models.ts" <<'EOF'
import { CASCADE, CharField, DecimalField, ForeignKey, ManyToManyField, Model, OneToOneField, SET_NULL, type FieldsOf, type ManyRelatedManager, type ReverseManyToOneManager } from 'threadorm';
import { AsyncMixin } from 'threadorm/mixins';

export class Topping extends AsyncMixin<Topping>(Model) {
  static fields = { name: new CharField({ maxLength: 30 }) };
  declare pizzaSet: ManyRelatedManager<Pizza>;
}
export interface Topping extends FieldsOf<typeof Topping.fields> {}
export class Box extends AsyncMixin<Box>(Model) {
  static fields = { name: new CharField({ maxLength: 50 }) };
  declare pizzaSet: ReverseManyToOneManager<Pizza>;
}
export interface Box extends FieldsOf<typeof Box.fields> {}
export class Price extends AsyncMixin<Price>(Model) {
  static fields = { amount: new DecimalField({ maxDigits: 10, decimalPlaces: 2 }), currency: new CharField({ maxLength: 16, default: 'usd' }) };
}
export interface Price extends FieldsOf<typeof Price.fields> {}
export class Pizza extends AsyncMixin<Pizza>(Model) {
  static fields = {
    name: new CharField({ maxLength: 50 }),
    toppings: new ManyToManyField(() => Topping),
    box: new ForeignKey(() => Box, { null: true, onDelete: SET_NULL }),
    price: new OneToOneField(() => Price, { onDelete: CASCADE }),
  };
}
export interface Pizza extends FieldsOf<typeof Pizza.fields> {}
EOF

cat > "$work/app/app.ts" <<'EOF'
import { Count, Sum } from 'threadorm';
import { Box, Pizza, Price } from './models';

type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;
declare function exact<E>(): <V>(value: V, ...proof: Equal<V, E> extends true ? [] : ['types differ', V]) => void;

export async function main(box: Box): Promise<void> {
  // @ts-expect-error unknown field
  Pizza.objects.filter({ nmae: 'x' });
  // @ts-expect-error unknown lookup
  Pizza.objects.filter({ name__startwith: 'x' });
  // @ts-expect-error wrong value type
  Pizza.objects.filter({ name: 123 });
  // @ts-expect-error unknown ordering
  Pizza.objects.orderBy('nmae');
  // @ts-expect-error unknown values name
  Pizza.objects.values('nmae');
  // @ts-expect-error not a relation
  Pizza.objects.selectRelated('bxo');
  // @ts-expect-error unknown constructor key
  new Pizza({ nmae: 'x' });
  // @ts-expect-error wrong constructor value
  new Pizza({ name: 5 });
  // @ts-expect-error a Box is not a Topping
  new Pizza().toppings.add(box);
  // @ts-expect-error a Price is not a Topping either
  await new Pizza().a.toppings.add(new Price({ amount: '1.00' }));
  exact<{ name: string }[]>()(Pizza.objects.values('name').eval());
  exact<[string, number][]>()(Pizza.objects.valuesList('name', 'id').eval());
  exact<string[]>()(Pizza.objects.valuesList('name', { flat: true }).eval());
  exact<{ total: string | null }>()(Price.objects.aggregate({ total: Sum('amount') }));
  exact<{ name: string; n: number }[]>()(Pizza.objects.annotate({ n: Count('toppings') }).values('name', 'n').eval());
  exact<number | null>()(new Pizza().boxId);
  exact<Pizza[]>()(await Pizza.aobjects.filter({ box__name__icontains: 'large' }));
  exact<Box | null>()(await new Pizza().a.box);
  exact<Pizza[]>()(await box.a.pizzaSet.all());
}
EOF

cat > "$work/app/typos.ts" <<'EOF'
import { Pizza } from './models';
Pizza.objects.filter({ nmae: 'x' });
Pizza.objects.filter({ name__startwith: 'x' });
Pizza.objects.filter({ box__name: 123 });
EOF

status=0
for resolution in node10 node16 bundler; do
  module=commonjs
  [ "$resolution" = node16 ] && module=node16
  [ "$resolution" = bundler ] && module=esnext
  if (cd "$work/app" && "$tsc" --noEmit --strict --target es2022 --module "$module" --moduleResolution "$resolution" --types node models.ts app.ts); then
    echo "moduleResolution $resolution: ok"
  else
    echo "moduleResolution $resolution: FAILED"
    status=1
  fi
done

echo "--- what tsc prints for three typos"
(cd "$work/app" && "$tsc" --noEmit --strict --target es2022 --module commonjs --moduleResolution node10 --types node models.ts typos.ts) || true
exit $status
