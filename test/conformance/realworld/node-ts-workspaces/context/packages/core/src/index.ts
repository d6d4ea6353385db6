/** Domain types and validation shared by the apps of the monorepo. */
export interface Cat {
  id: number;
  name: string;
  age: number;
  breed: string;
}

export type CreateCatDto = Omit<Cat, 'id'>;

export class ValidationError extends Error {
  constructor(readonly field: string, message: string) {
    super(`${field}: ${message}`);
  }
}

export function validateCat(input: unknown): CreateCatDto {
  if (typeof input !== 'object' || input === null) throw new ValidationError('body', 'must be an object');
  const o = input as Record<string, unknown>;
  if (typeof o.name !== 'string' || o.name.length === 0) throw new ValidationError('name', 'must be a non-empty string');
  if (typeof o.age !== 'number' || !Number.isInteger(o.age) || o.age < 0) throw new ValidationError('age', 'must be a non-negative integer');
  if (typeof o.breed !== 'string') throw new ValidationError('breed', 'must be a string');
  return { name: o.name, age: o.age, breed: o.breed };
}
