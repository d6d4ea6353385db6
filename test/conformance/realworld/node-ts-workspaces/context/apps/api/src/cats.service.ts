import { Cat, CreateCatDto } from '@acme/core';

/** The one provider of the cats module, as a NestJS service would be. */
export class CatsService {
  private readonly cats = new Map<number, Cat>();
  private nextId = 1;

  create(dto: CreateCatDto): Cat {
    const cat = { id: this.nextId++, ...dto };
    this.cats.set(cat.id, cat);
    return cat;
  }

  findAll(): Cat[] {
    return [...this.cats.values()];
  }

  findOne(id: number): Cat | undefined {
    return this.cats.get(id);
  }
}
